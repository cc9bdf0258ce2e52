import { ElMessage } from 'element-plus';
// ElMessage is called from scripts, where the on-demand resolver cannot see it: bring its CSS here.
import 'element-plus/es/components/message/style/css';

/** A short message at the top of the page; repeats of the same text are merged. */
export function toast(type: 'success' | 'info' | 'warning' | 'error', message: string): void {
  ElMessage({ type, message, grouping: true });
}
