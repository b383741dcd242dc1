// plotly.js-dist-min ships no types; the slice of its API the charts use.
declare module 'plotly.js-dist-min' {
  const Plotly: {
    react(root: HTMLElement, data: unknown[], layout: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
    purge(root: HTMLElement): void;
    toImage(figure: { data: unknown[]; layout: Record<string, unknown> }, options: { format: 'png' | 'svg'; width: number; height: number; scale?: number }): Promise<string>;
    Plots: { resize(root: HTMLElement): void };
  };
  export default Plotly;
}
