import type { RouterOutputs } from '@/api/trpc';
import { useEnumLabel } from '@/composables/use-enum-label';

export type Course = RouterOutputs['training']['courses']['get'];
export type Session = RouterOutputs['training']['sessions']['list'][number];
export type Trainee = RouterOutputs['training']['trainees']['search'][number];
export type CourseTopic = Course['topic'];
export type CourseStatus = Course['status'];
export type TraineeTag = Trainee['tags'][number];

// The server's codes, in the order the pickers show them (checked against the API's types).
export const COURSE_TOPICS = [
  'shop_operation',
  'livestream_selling',
  'short_video',
  'product_photos',
  'farm_produce',
  'logistics',
  'other',
] as const satisfies readonly CourseTopic[];
export const COURSE_STATUSES = ['planned', 'running', 'finished', 'cancelled'] as const satisfies readonly CourseStatus[];
export const TRAINEE_TAGS = [
  'returning_migrant',
  'graduate',
  'veteran',
  'poverty_relief',
  'women',
  'disabled',
  'cooperative_member',
] as const satisfies readonly TraineeTag[];

/** Element Plus tag colours of a course's status. */
const STATUS_TAG: Record<CourseStatus, 'primary' | 'success' | 'warning' | 'info' | 'danger'> = {
  planned: 'primary',
  running: 'success',
  finished: 'info',
  cancelled: 'danger',
};

export const TRAINING_COURSES_KEY = 'training.courses.list';
export const TRAINING_COURSE_KEY = 'training.courses.get';
export const TRAINING_SESSIONS_KEY = 'training.sessions.list';

/** Labels of topics, statuses and tags (unknown codes shown raw). */
export function useTrainingLabels() {
  const { label } = useEnumLabel();
  const topicLabel = (topic: string | null | undefined) => label('training.topics', topic);
  const statusLabel = (status: string | null | undefined) => label('training.statuses', status);
  const tagLabel = (tag: string | null | undefined) => label('training.tags', tag);
  const statusTag = (status: CourseStatus) => STATUS_TAG[status] ?? 'info';
  const topicOptions = () => COURSE_TOPICS.map((value) => ({ value, label: topicLabel(value) }));
  const statusOptions = () => COURSE_STATUSES.map((value) => ({ value, label: statusLabel(value) }));
  const tagOptions = () => TRAINEE_TAGS.map((value) => ({ value, label: tagLabel(value) }));
  return { topicLabel, statusLabel, tagLabel, statusTag, topicOptions, statusOptions, tagOptions };
}
