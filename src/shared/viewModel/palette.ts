/**
 * Chart colours by role. The webview resolves each to a `--vscode-*` CSS variable
 * of the current theme, so charts follow light, dark and high-contrast themes.
 */
export const CHART_COLORS = ['blue', 'purple', 'orange', 'yellow', 'green', 'cyan', 'red', 'grey', 'foreground'] as const;
export type ChartColor = (typeof CHART_COLORS)[number];

/** CSS variable for each colour, and the variable tried when a theme lacks the first. */
export const PALETTE: Record<ChartColor, { cssVar: string; fallbackVar: string }> = {
  blue: { cssVar: '--vscode-charts-blue', fallbackVar: '--vscode-textLink-foreground' },
  purple: { cssVar: '--vscode-charts-purple', fallbackVar: '--vscode-foreground' },
  orange: { cssVar: '--vscode-charts-orange', fallbackVar: '--vscode-foreground' },
  yellow: { cssVar: '--vscode-charts-yellow', fallbackVar: '--vscode-foreground' },
  green: { cssVar: '--vscode-charts-green', fallbackVar: '--vscode-foreground' },
  cyan: { cssVar: '--vscode-terminal-ansiCyan', fallbackVar: '--vscode-charts-blue' },
  red: { cssVar: '--vscode-charts-red', fallbackVar: '--vscode-errorForeground' },
  grey: { cssVar: '--vscode-charts-lines', fallbackVar: '--vscode-descriptionForeground' },
  foreground: { cssVar: '--vscode-charts-foreground', fallbackVar: '--vscode-foreground' },
};
