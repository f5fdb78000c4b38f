//! "Where the p99 goes", drawn: the latest window's tail split
//! ([`tail_data`]) as two horizontal bars with plotters (the slowest 1%
//! and the median request, milliseconds on the x axis), a legend of
//! components and phases, a sentence saying where the tail's time goes,
//! and the same numbers as a table (the chart's text alternative).

use std::rc::Rc;

use plotters::prelude::*;
use scalesim_engine::trace::Phase;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::charts::chart_backend::{ChartBackend, Scheme, Ticked, fit_to_box, scheme};
use crate::charts::chart_data;
use crate::charts::tail_data::{self, TailChart};
use crate::waterfall::ms_text;

#[derive(Properties, PartialEq)]
pub struct TailChartProps {
    /// The latest window's split; `None` before one (or with traces off).
    pub chart: Option<Rc<TailChart>>,
    /// Requests are being traced.
    pub tracing: bool,
}

/// The chart.
#[function_component(TailChartView)]
pub fn tail_chart(props: &TailChartProps) -> Html {
    let canvas = use_node_ref();
    let resized = crate::charts::resize::use_box_size(&canvas);
    {
        let canvas = canvas.clone();
        use_effect_with((props.chart.clone(), resized), move |(chart, _)| {
            if let (Some(element), Some(chart)) = (canvas.cast::<HtmlCanvasElement>(), chart)
                && let Err(e) = draw(element, chart)
            {
                web_sys::console::warn_1(&format!("where the p99 goes: {e}").into());
            }
        });
    }
    let Some(chart) = props.chart.clone() else {
        let hint = if props.tracing {
            "Press Play: once a window closes, this shows where its slowest requests spent their time."
        } else {
            "Traces are off: turn them on (the Traces switch) to see where the p99 goes."
        };
        return html! {
            <figure class="tail-chart">
                <figcaption class="chart-title">{"Where the p99 goes"}</figcaption>
                <canvas ref={canvas} id="tail-chart" class="hidden-canvas" width="10" height="10"></canvas>
                <p class="chart-hint static">{ hint }</p>
            </figure>
        };
    };
    let legend = chart.components.iter().enumerate().map(|(i, c)| {
        let (r, g, b) = chart_data::colour(i);
        html! { <span><span class="swatch" style={format!("background: rgb({r} {g} {b})")}></span>{ c.clone() }</span> }
    });
    let dark = crate::browser::dark_theme();
    let phases = Phase::ALL.iter().map(|&p| {
        html! { <span><span class="swatch" style={format!("background: {}", tail_data::phase_swatch(p, dark))}></span>{ p.label() }</span> }
    });
    let rows = tail_data::table(&chart).into_iter().map(|(c, p, tail, median)| {
        let cell = |v: Option<f64>| v.map_or("–".to_owned(), ms_text);
        html! { <tr><th scope="row">{ format!("{c}, {}", p.label()) }</th><td>{ cell(tail) }</td><td>{ cell(median) }</td></tr> }
    });
    let median = chart.bars.get(1).map(|b| ms_text(b.latency_ms)).unwrap_or_else(|| "–".into());
    html! {
        <figure class="tail-chart">
            <figcaption class="chart-title">{ format!("Where the p99 goes (window {}, to {:.0} s)", chart.window, chart.end_s) }</figcaption>
            <p class="tail-summary" data-testid="tail-summary">{ chart.summary.clone() }{ format!(" The median request: {median}.") }</p>
            <div class="chart-area">
                <canvas ref={canvas} id="tail-chart" width="600" height="140" role="img"
                    aria-label={format!("Where the p99 goes. {}", chart.summary)}></canvas>
            </div>
            <div class="chart-legend">{ for legend }<span class="legend-gap"></span>{ for phases }</div>
            <details class="tail-table">
                <summary>{"As a table"}</summary>
                <table id="tail-table">
                    <caption>{"Mean milliseconds a request, by component and phase"}</caption>
                    <thead><tr><th scope="col">{"component, phase"}</th><th scope="col">{"slowest 1%"}</th><th scope="col">{"median"}</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </details>
        </figure>
    }
}

/// Draws the bars on `canvas`, sized to its box at the device's pixel ratio.
fn draw(canvas: HtmlCanvasElement, chart: &TailChart) -> Result<(), String> {
    let Some(dpr) = fit_to_box(&canvas) else { return Ok(()) };
    let px = |n: f64| (n * dpr).round() as i32;
    let Scheme { background, ink, grid } = scheme();
    let dark = crate::browser::dark_theme();
    let backend = ChartBackend::new(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&background).map_err(|e| e.to_string())?;
    let longest = chart.bars.iter().map(|b| b.latency_ms).fold(0.0, f64::max);
    let x_max = if longest > 0.0 { longest * 1.08 } else { 1.0 };
    let n = chart.bars.len() as f64;
    let font = |size: f64| ("sans-serif", f64::from(px(size))).into_font().color(&ink);
    let mut plot = ChartBuilder::on(&root)
        .margin(px(6.0))
        .margin_right(px(14.0))
        .x_label_area_size(px(30.0))
        .y_label_area_size(px(8.0))
        .build_cartesian_2d(
            Ticked::new(0.0..x_max, chart_data::axis_unit("ms", x_max).ticks(0.0, x_max, 6)),
            Ticked::new(0.0..n, Vec::new()),
        )
        .map_err(|e| e.to_string())?;
    plot.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(grid.mix(0.5))
        .bold_line_style(grid)
        .axis_style(ink.mix(0.6))
        .x_labels(6)
        .x_label_formatter(&|v| crate::format::tick(*v))
        .label_style(font(11.0))
        .axis_desc_style(font(11.0))
        .x_desc("mean ms a request")
        .draw()
        .map_err(|e| e.to_string())?;
    // Bars top down (the tail first), each under its label.
    for (i, bar) in chart.bars.iter().enumerate() {
        let row = n - 1.0 - i as f64;
        for s in &bar.segments {
            let ((r, g, b), a) = tail_data::segment_rgba(s, dark);
            let colour = RGBColor(r, g, b).mix(a);
            let rect = Rectangle::new(
                [(s.start_ms, row + 0.1), (s.start_ms + s.ms, row + 0.58)],
                colour.filled(),
            );
            plot.draw_series(std::iter::once(rect)).map_err(|e| e.to_string())?;
        }
        let label = format!(
            "{}: {} ({} request{})",
            bar.label,
            ms_text(bar.latency_ms),
            bar.requests,
            if bar.requests == 1 { "" } else { "s" }
        );
        plot.draw_series(std::iter::once(Text::new(label, (0.0, row + 0.92), font(12.0))))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
