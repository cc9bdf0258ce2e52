-- The station metrics' aggregates as bare SQL, the way one would answer them by hand in psql:
-- per station and month, per station's activity, and the roll-up by town and month. Every row is
-- computed and sent to the client (run with -o /dev/null). Variable: :'as_of' (YYYY-MM-DD).

select le.station_id, date_trunc('month', le.entry_date)::date as month, count(*) as days_with_entry,
  count(*) filter (where (le.parcels_in + le.parcels_out + le.purchase_orders + le.sales_orders + le.villagers_served
    + le.purchase_amount_fen + le.sales_amount_fen + le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen
    + le.income_other_fen) > 0) as active_days,
  sum(le.parcels_in), sum(le.parcels_out), sum(le.purchase_orders), sum(le.purchase_amount_fen), sum(le.sales_orders),
  sum(le.sales_amount_fen), sum(le.income_parcel_fen), sum(le.income_commission_fen), sum(le.income_bill_fen),
  sum(le.income_other_fen), sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen),
  sum(le.villagers_served),
  round(sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen)::numeric / count(*))
from ledger_entries le
where le.entry_date <= :'as_of'
group by le.station_id, date_trunc('month', le.entry_date);

select s.id, max(le.entry_date) as last_entry,
  max(le.entry_date) filter (where (le.parcels_in + le.parcels_out + le.purchase_orders + le.sales_orders + le.villagers_served
    + le.purchase_amount_fen + le.sales_amount_fen + le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen
    + le.income_other_fen) > 0) as last_active,
  count(le.station_id) filter (where (le.parcels_in + le.parcels_out + le.purchase_orders + le.sales_orders + le.villagers_served
    + le.purchase_amount_fen + le.sales_amount_fen + le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen
    + le.income_other_fen) > 0 and le.entry_date > :'as_of'::date - 30) as active_days_30
from stations s
left join ledger_entries le on le.station_id = s.id and le.entry_date <= :'as_of'
group by s.id;

select substr(s.region_code, 1, 9) as town, to_char(le.entry_date, 'YYYY-MM') as period,
  sum(le.sales_amount_fen), sum(le.purchase_amount_fen), sum(le.parcels_in + le.parcels_out),
  sum(le.income_parcel_fen + le.income_commission_fen + le.income_bill_fen + le.income_other_fen)
from ledger_entries le join stations s on s.id = le.station_id
where le.entry_date <= :'as_of'
group by 1, 2;
