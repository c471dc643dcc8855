/** The analysis service and what its consumers need with it; see ./service.ts for the API. */
export { AnalysisService, modelRef, readModelRef, type ModelRef, type ReportRequest, type WhatIf, type AnalysisServiceOptions } from './service';
export type { DeviceProvider } from './devices';
export { projectToCell, type CellLayout } from './cellView';
