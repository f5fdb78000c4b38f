//! A live chart over simulated time, drawn with plotters on a canvas: lines,
//! or stacked bands, with axes, units, a legend, and a hover read-out of the
//! values at the nearest window. What it plots comes from [`chart_data`].

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::*;
use scalesim_engine::WindowReport;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::chart_backend::ChartBackend;
use crate::chart_data::{self, ChartData};

/// The windows received so far. Compared by `version` only, so a redraw
/// costs nothing to decide.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Bumped whenever `windows` changes.
    pub version: u64,
    /// Closed windows, oldest first (shared, so keeping history costs a
    /// pointer a window per frame, not a copy).
    pub windows: Rc<Vec<Rc<WindowReport>>>,
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

fn color(index: usize) -> RGBColor {
    let (r, g, b) = chart_data::colour(index);
    RGBColor(r, g, b)
}

#[derive(Properties, PartialEq)]
pub struct TimeChartProps {
    /// The canvas's id (tests and the read-out use it).
    pub id: AttrValue,
    pub title: AttrValue,
    /// The y axis, with its unit.
    pub y_desc: AttrValue,
    /// The x axis, with its unit.
    #[prop_or(AttrValue::Static("simulated time (s)"))]
    pub x_desc: AttrValue,
    /// What to plot; redrawn when `version` changes.
    pub data: Rc<ChartData>,
    pub version: u64,
    /// Milliseconds to wait before drawing, so the page's charts draw in
    /// separate tasks instead of one long one.
    #[prop_or(0)]
    pub delay_ms: i32,
}

/// Where the last drawing put the x axis: data range and pixel range.
#[derive(Clone, Copy, Debug, Default)]
struct XMap {
    start: f64,
    end: f64,
    left: i32,
    right: i32,
}

/// One live chart.
#[function_component(TimeChart)]
pub fn time_chart(props: &TimeChartProps) -> Html {
    let canvas = use_node_ref();
    let x_map = use_mut_ref(XMap::default);
    let read_out = use_state(String::new);
    {
        let (canvas, x_map, title, y_desc, x_desc) = (
            canvas.clone(),
            x_map.clone(),
            props.title.clone(),
            props.y_desc.clone(),
            props.x_desc.clone(),
        );
        let delay = props.delay_ms;
        use_effect_with((props.version, props.data.clone()), move |(_, data)| {
            let data = data.clone();
            let draw_now = move || {
                if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                    match draw(element, &data, &title, &y_desc, &x_desc) {
                        Ok(map) => *x_map.borrow_mut() = map,
                        Err(e) => web_sys::console::warn_1(&format!("{title}: {e}").into()),
                    }
                }
            };
            let callback = wasm_bindgen::closure::Closure::once_into_js(draw_now);
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    callback.unchecked_ref(),
                    delay,
                );
            }
        });
    }
    let on_move = {
        let (canvas, x_map, data, read_out) =
            (canvas.clone(), x_map.clone(), props.data.clone(), read_out.clone());
        Callback::from(move |e: MouseEvent| {
            read_out.set(hover_text(&canvas, &x_map, &data, e.offset_x()).unwrap_or_default());
        })
    };
    let on_leave = {
        let read_out = read_out.clone();
        Callback::from(move |_| read_out.set(String::new()))
    };
    let slug = props.id.trim_end_matches("-chart").to_owned();
    let on_png = {
        let (canvas, slug) = (canvas.clone(), slug.clone());
        Callback::from(move |_| {
            if let Some(url) = canvas.cast::<HtmlCanvasElement>().and_then(|c| c.to_data_url().ok())
            {
                let _ = crate::browser::download_url(&format!("{slug}.png"), &url);
            }
        })
    };
    let on_svg = {
        let (data, title, x, y) =
            (props.data.clone(), props.title.clone(), props.x_desc.clone(), props.y_desc.clone());
        Callback::from(move |_| {
            let svg = crate::export::chart_svg(&data, &title, &x, &y);
            let _ = crate::browser::download_bytes(
                &format!("{slug}.svg"),
                "image/svg+xml",
                svg.as_bytes(),
            );
        })
    };
    html! {
        <figure class="time-chart">
            <div class="chart-export" role="group" aria-label={format!("Export {}", props.title)}>
                <button class="png" onclick={on_png}>{"PNG"}</button>
                <button class="svg" onclick={on_svg}>{"SVG"}</button>
            </div>
            <canvas ref={canvas} id={props.id.clone()} width="880" height="300"
                role="img" aria-label={props.title.clone()}
                onmousemove={on_move} onmouseleave={on_leave}></canvas>
            <figcaption class="readout" data-testid={format!("readout-{}", props.id)}>
                { if read_out.is_empty() { "\u{a0}".to_owned() } else { (*read_out).clone() } }
            </figcaption>
        </figure>
    }
}

fn hover_text(
    canvas: &NodeRef,
    x_map: &Rc<RefCell<XMap>>,
    data: &ChartData,
    offset_x: i32,
) -> Option<String> {
    let element = canvas.cast::<HtmlCanvasElement>()?;
    let scale = f64::from(element.width()) / f64::from(element.client_width().max(1));
    let px = f64::from(offset_x) * scale;
    let map = *x_map.borrow();
    if map.right <= map.left {
        return None;
    }
    let x = map.start
        + (px - f64::from(map.left)) / f64::from(map.right - map.left) * (map.end - map.start);
    let (at, values) = chart_data::read_out(data, x)?;
    let values: Vec<String> =
        values.iter().map(|(l, v)| format!("{l} {}", format_value(*v))).collect();
    Some(format!("at {}: {}", format_value(at), values.join(", ")))
}

fn format_value(v: f64) -> String {
    if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}

fn draw(
    canvas: HtmlCanvasElement,
    data: &ChartData,
    title: &str,
    y_desc: &str,
    x_desc: &str,
) -> Result<XMap, String> {
    let backend = ChartBackend::new(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let all = || data.series.iter().flat_map(|s| s.points.iter());
    let x_start = all().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_start = if x_start.is_finite() { x_start } else { 0.0 };
    let x_last = all().map(|p| p.0).fold(0.0, f64::max);
    let x_end = if x_last > x_start { x_last } else { x_start + 10.0 };
    let highest = all().map(|p| p.1).fold(0.0, f64::max);
    let y_max = if highest > 0.0 { highest * 1.15 } else { 1.0 };
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .caption(title, ("sans-serif", 18))
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(x_start..x_end, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    chart.configure_mesh().x_desc(x_desc).y_desc(y_desc).draw().map_err(|e| e.to_string())?;
    for i in data.draw_order() {
        let s = &data.series[i];
        let c = color(s.color);
        let points = s.points.iter().copied();
        let drawn = if data.stacked {
            chart.draw_series(AreaSeries::new(points, 0.0, c.mix(0.85)).border_style(c))
        } else {
            chart.draw_series(LineSeries::new(points, c.stroke_width(2)))
        };
        drawn
            .map_err(|e| e.to_string())?
            .label(s.label.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 16, y + 4)], c.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())?;
    let (x_pixels, _) = chart.plotting_area().get_pixel_range();
    root.present().map_err(|e| e.to_string())?;
    Ok(XMap { start: x_start, end: x_end, left: x_pixels.start, right: x_pixels.end })
}
