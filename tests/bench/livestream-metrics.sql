-- The livestream metrics' aggregates as bare SQL, the way one would answer them by hand in psql,
-- into temporary tables: per host, platform and month the month's streams and totals; the hosts
-- active at each month's end (as of :'as_of' for its month) under rule v1 — at least 4 streams of
-- at least 30 minutes started in the 30 Shanghai days ending with the day; active and streaming
-- hosts with totals per month, base and platform (and all platforms); and the headline figures by
-- the bases' towns and counties. Variable: :'as_of' (YYYY-MM-DD).

create temporary table b_months as
select m::date as month, least((m + interval '1 month')::date - 1, :'as_of'::date) as as_of
from generate_series(
  (select date_trunc('month', min(started_at) at time zone 'Asia/Shanghai') from livestream_streams),
  :'as_of'::date, interval '1 month') m;

-- per host, platform and month; the base is the one of the month's latest stream
create temporary table b_host_months as
select host_id, platform, date_trunc('month', started_at at time zone 'Asia/Shanghai')::date as month,
  count(*) as streams, count(*) filter (where duration_seconds >= 1800) as qualifying_streams,
  sum(duration_seconds) as duration_seconds, coalesce(sum(gmv_fen), 0) as gmv_fen, coalesce(sum(viewers), 0) as viewers,
  coalesce(sum(buyers), 0) as buyers, coalesce(sum(orders), 0) as orders, coalesce(sum(new_followers), 0) as new_followers,
  (array_agg(base_id order by started_at desc))[1] as base_id
from livestream_streams
where started_at < (:'as_of'::date + 1)::timestamp at time zone 'Asia/Shanghai'
group by 1, 2, 3;

-- active at each month's end: the qualifying streams of the 30 days ending with its as_of
create temporary table b_active as
select m.month, s.host_id, s.platform, count(*) as window_streams,
  (array_agg(s.base_id order by s.started_at desc))[1] as base_id
from b_months m
join livestream_streams s
  on s.started_at >= (m.as_of - 29)::timestamp at time zone 'Asia/Shanghai'
 and s.started_at < (m.as_of + 1)::timestamp at time zone 'Asia/Shanghai'
where s.duration_seconds >= 1800
group by 1, 2, 3
having count(*) >= 4;

create temporary table b_host_month_all as
select host_id, platform, month, coalesce(hm.base_id, a.base_id) as base_id, a.host_id is not null as active,
  coalesce(hm.streams, 0) as streams, coalesce(hm.duration_seconds, 0) as duration_seconds, coalesce(hm.gmv_fen, 0) as gmv_fen
from b_host_months hm
full join b_active a using (host_id, platform, month);

create temporary table b_base_months as
select month, base_id, coalesce(platform, 'all') as platform,
  count(distinct host_id) filter (where active) as active_hosts,
  count(distinct host_id) filter (where streams > 0) as streaming_hosts,
  sum(streams) as streams, sum(duration_seconds) as duration_seconds, sum(gmv_fen) as gmv_fen
from b_host_month_all
group by grouping sets ((month, base_id, platform), (month, base_id));

create temporary table b_region_months as
select r.region_code, to_char(x.month, 'YYYY-MM') as period,
  count(distinct x.host_id) filter (where x.active and x.platform = 'taobao') as active_taobao,
  count(distinct x.host_id) filter (where x.active) as active_all,
  sum(x.streams) as streams, sum(x.gmv_fen) as gmv_fen
from b_host_month_all x
join livestream_bases b on b.id = x.base_id
cross join lateral (values (substr(b.region_code, 1, 9) || '000'), (substr(b.region_code, 1, 6) || '000000')) as r(region_code)
group by 1, 2;

-- what the dashboard shows: Taobao Live hosts active by month, province-wide
select to_char(month, 'YYYY-MM'), count(distinct host_id) from b_active where platform = 'taobao' group by 1 order by 1;
