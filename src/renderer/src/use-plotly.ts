// A Plotly chart's lifecycle in a component: load Plotly on first use, draw at most once a frame,
// redraw on resize and theme change, free the plot on unmount. The runs view's charts share it.
import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { onThemeChange } from './theme';

export type PlotlyModule = typeof import('plotly.js-dist-min').default;

export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * `draw` runs with Plotly and the element once both exist; returns `schedule` to ask for a redraw.
 * `needed`: Plotly is loaded only once it says there is something to draw. Evaluating Plotly's
 * bundle takes the page's thread for about a second on a slow machine: the runs view must not
 * pay it before its table is drawn when no run is selected yet (bench/runs.bench.ts).
 */
export function usePlotly(root: Ref<HTMLElement | undefined>, draw: (plotly: PlotlyModule, element: HTMLElement) => void, needed: () => boolean = () => true): { schedule: () => void } {
  let plotly: PlotlyModule | undefined;
  let unmounted = false;
  let frame = 0;
  let resizeObserver: ResizeObserver | undefined;
  const schedule = (): void => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (plotly && root.value) draw(plotly, root.value);
    });
  };
  const load = async (): Promise<void> => {
    const loaded = (await import('plotly.js-dist-min')).default;
    if (unmounted) return;
    plotly = loaded;
    resizeObserver = new ResizeObserver(schedule);
    if (root.value) resizeObserver.observe(root.value);
    schedule();
  };
  onMounted(() => {
    if (needed()) {
      void load();
      return;
    }
    const waiting = watch(needed, (now) => {
      if (!now) return;
      waiting();
      void load();
    });
  });
  const theme = onThemeChange(schedule);
  onBeforeUnmount(() => {
    unmounted = true;
    theme.dispose();
    resizeObserver?.disconnect();
    if (frame) cancelAnimationFrame(frame);
    if (plotly && root.value) plotly.purge(root.value);
  });
  return { schedule };
}
