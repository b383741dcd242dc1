// A Plotly chart's lifecycle in a component: load Plotly on first use, draw at most once a frame,
// redraw on resize and theme change, free the plot on unmount. The runs view's charts share it.
import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import { onThemeChange } from './theme';

export type PlotlyModule = typeof import('plotly.js-dist-min').default;

export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** `draw` runs with Plotly and the element once both exist; returns `schedule` to ask for a redraw. */
export function usePlotly(root: Ref<HTMLElement | undefined>, draw: (plotly: PlotlyModule, element: HTMLElement) => void): { schedule: () => void } {
  let plotly: PlotlyModule | undefined;
  let frame = 0;
  let resizeObserver: ResizeObserver | undefined;
  const schedule = (): void => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (plotly && root.value) draw(plotly, root.value);
    });
  };
  onMounted(async () => {
    plotly = (await import('plotly.js-dist-min')).default;
    resizeObserver = new ResizeObserver(schedule);
    if (root.value) resizeObserver.observe(root.value);
    schedule();
  });
  const theme = onThemeChange(schedule);
  onBeforeUnmount(() => {
    theme.dispose();
    resizeObserver?.disconnect();
    if (frame) cancelAnimationFrame(frame);
    if (plotly && root.value) plotly.purge(root.value);
  });
  return { schedule };
}
