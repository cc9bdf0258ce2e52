import { computed, ref } from 'vue';
import { shanghaiYear } from '@/utils/shanghai-time';

/** The years the server accepts (yearSchema). */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/** A page's year (this year in Shanghai to begin with), and what Element Plus's year picker needs for it. */
export function useYearPicker() {
  const year = ref(shanghaiYear());
  /** The picker speaks "YYYY" strings. */
  const yearText = computed({
    get: () => String(year.value),
    set: (value: string | null) => {
      if (value) year.value = Number(value);
    },
  });
  const disabledYear = (date: Date) => date.getFullYear() < FIRST_YEAR || date.getFullYear() > LAST_YEAR;
  return { year, yearText, disabledYear };
}
