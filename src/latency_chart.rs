//! The live latency chart: user p50 and p99 per window, drawn with plotters
//! on a canvas.

use std::rc::Rc;

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use scalesim_engine::WindowReport;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The windows received so far. Compared by `version` only, so a redraw
/// costs nothing to decide.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Bumped whenever `windows` changes.
    pub version: u64,
    /// Closed windows, oldest first.
    pub windows: Rc<Vec<WindowReport>>,
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

#[derive(Properties, PartialEq)]
pub struct LatencyChartProps {
    pub history: History,
}

/// p50 and p99 of user latency over simulated time.
#[function_component(LatencyChart)]
pub fn latency_chart(props: &LatencyChartProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(props.history.clone(), move |history| {
            if let Some(element) = canvas.cast::<HtmlCanvasElement>()
                && let Err(e) = draw(element, &history.windows)
            {
                web_sys::console::warn_1(&format!("latency chart: {e}").into());
            }
        });
    }
    html! {
        <canvas ref={canvas} id="latency-chart" width="880" height="360"
            role="img" aria-label="User latency p50 and p99 over simulated time"></canvas>
    }
}

fn draw(canvas: HtmlCanvasElement, windows: &[WindowReport]) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let x_end = windows.last().map_or(10.0, |w| w.end_s).max(10.0);
    let x_start = windows.first().map_or(0.0, |w| w.start_s);
    let y_max = windows.iter().map(|w| w.latency_ms.p99).fold(1.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .caption("User latency per window", ("sans-serif", 18))
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(x_start..x_end, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc("latency (ms)")
        .draw()
        .map_err(|e| e.to_string())?;
    let series = [("p50", BLUE, 0.50), ("p99", RED, 0.99)];
    for (label, color, q) in series {
        let points = windows.iter().filter(|w| w.latency_ms.count > 0).map(|w| {
            let y = if q < 0.9 { w.latency_ms.p50 } else { w.latency_ms.p99 };
            (w.end_s, y)
        });
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
