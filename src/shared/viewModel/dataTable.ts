/** The text table behind each chart, for screen readers and people who prefer numbers. */
export interface DataTable {
  caption: string;
  columns: string[];
  rows: string[][];
}
