/** The planner: the smallest set of catalogue achievements that completes a pathway or a programme. Pure. */
export { planAchievements } from './plan.ts';
export type { CatalogueEntry, Plan, PlanOptions, PlanTarget, PlannedAchievement } from './plan.ts';
