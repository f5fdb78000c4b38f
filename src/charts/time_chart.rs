//! A live chart over simulated time, drawn with plotters on a canvas: lines,
//! or stacked bands, with axes, units, a legend, and a hover read-out
//! (`read_out`: the values at the window under the mouse, or that it has
//! none). What it plots comes from [`chart_data`].

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::*;
use scalesim_engine::WindowReport;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use wasm_bindgen::JsCast;

use crate::charts::chart_backend::{ChartBackend, Scheme, Ticked, fit_to_box, scheme};
use crate::charts::chart_data::{self, ChartData};
use crate::charts::read_out;

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
    /// Simulated instants (s) of live changes, each marked by a thin
    /// vertical line (named in the text alternative and the read-out).
    #[prop_or_default]
    pub marks: Rc<Vec<f64>>,
    /// What its PNG and SVG downloads are named by, before the chart's own
    /// name (`sync-chain-B` gives `sync-chain-B-latency.png`,
    /// `export::chart_file`); the chart's name alone when empty.
    #[prop_or_default]
    pub file_stem: AttrValue,
    /// What the read-out says over a stretch without values (a latency's
    /// windows where no request was answered).
    #[prop_or(AttrValue::Static("no data"))]
    pub empty: AttrValue,
    /// Shown in place of the chart while it has no data.
    #[prop_or(AttrValue::Static("Press Play: this chart fills in as the run goes."))]
    pub hint: AttrValue,
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
    // Where the mouse rests over the canvas (CSS pixels), so the read-out
    // follows the chart as new windows redraw it under a still mouse.
    let mouse_x = use_mut_ref(|| None::<i32>);
    let resized = crate::charts::resize::use_box_size(&canvas);
    {
        let (canvas, x_map, y_desc, x_desc) =
            (canvas.clone(), x_map.clone(), props.y_desc.clone(), props.x_desc.clone());
        let (mouse_x, read_out, empty) = (mouse_x.clone(), read_out.clone(), props.empty.clone());
        let title = props.title.clone();
        let delay = props.delay_ms;
        let marks = props.marks.clone();
        use_effect_with(
            (props.version, props.data.clone(), resized, marks),
            move |(_, data, _, marks)| {
                let (data, marks) = (data.clone(), marks.clone());
                let draw_now = move || {
                    if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                        match draw(element, &data, &marks, &y_desc, &x_desc) {
                            Ok(map) => *x_map.borrow_mut() = map,
                            Err(e) => web_sys::console::warn_1(&format!("{title}: {e}").into()),
                        }
                    }
                    if let Some(x) = *mouse_x.borrow() {
                        let axes = Axes { x_desc: &x_desc, y_desc: &y_desc, empty: &empty };
                        let text = hover_text(&canvas, &x_map, &data, &marks, &axes, x);
                        read_out.set(text.unwrap_or_default());
                    }
                };
                gloo_timers::callback::Timeout::new(delay.max(0) as u32, draw_now).forget();
            },
        );
    }
    let on_move = {
        let (canvas, x_map, data, read_out) =
            (canvas.clone(), x_map.clone(), props.data.clone(), read_out.clone());
        let mouse_x = mouse_x.clone();
        let (marks, x_desc, y_desc, empty) =
            (props.marks.clone(), props.x_desc.clone(), props.y_desc.clone(), props.empty.clone());
        Callback::from(move |e: MouseEvent| {
            *mouse_x.borrow_mut() = Some(e.offset_x());
            let axes = Axes { x_desc: &x_desc, y_desc: &y_desc, empty: &empty };
            let text = hover_text(&canvas, &x_map, &data, &marks, &axes, e.offset_x());
            read_out.set(text.unwrap_or_default());
        })
    };
    let on_leave = {
        let read_out = read_out.clone();
        Callback::from(move |_| {
            *mouse_x.borrow_mut() = None;
            read_out.set(String::new())
        })
    };
    let file =
        |extension: &str| crate::keep::export::chart_file(&props.file_stem, &props.id, extension);
    // A download that failed, said beside the chart's buttons.
    let export_error = use_state(|| None::<String>);
    let report = {
        let export_error = export_error.clone();
        move |what: &str, result: Result<(), String>| {
            export_error.set(result.err().map(|e| format!("The {what} could not be made: {e}.")))
        }
    };
    let empty = props.data.series.iter().all(|s| s.points.is_empty());
    // "per second" reads "per day" where the y axis does.
    let title = chart_data::axis_unit(&props.y_desc, props.data.highest()).title(&props.title);
    let on_png = {
        let (data, x, y) = (props.data.clone(), props.x_desc.clone(), props.y_desc.clone());
        let (marks, title, name, report) =
            (props.marks.clone(), title.clone(), file("png"), report.clone());
        Callback::from(move |_| {
            let drawn = png(&data, &marks, &title, &y, &x);
            report("PNG", drawn.and_then(|url| crate::browser::download_url(&name, &url)));
        })
    };
    let on_svg = {
        let (data, x, y) = (props.data.clone(), props.x_desc.clone(), props.y_desc.clone());
        let (marks, title, name) = (props.marks.clone(), title.clone(), file("svg"));
        Callback::from(move |_| {
            let svg = crate::keep::export::chart_svg(&data, &marks, &title, &x, &y);
            report("SVG", crate::browser::download_bytes(&name, "image/svg+xml", svg.as_bytes()));
        })
    };
    // A latency spanning decades is drawn on a log scale: said in words
    // too, with the live changes the lines mark.
    let axes = chart_data::axes(&props.data, &props.x_desc, &props.y_desc, 5);
    let log = axes.as_ref().is_some_and(|a| a.y.log);
    // The time axis's unit as drawn ("simulated time (min)"), for tests and
    // assistive tools: the canvas holds it only as pixels.
    let x_axis = axes.map(|a| a.x.unit.desc);
    let scaled = if log { format!("{title}, on a log scale") } else { title.clone() };
    let described = match chart_data::marks_text(&props.marks) {
        marks if marks.is_empty() => scaled,
        marks => format!("{scaled}. {marks}"),
    };
    let legend = props.data.series.iter().map(|s| {
        let (r, g, b) = chart_data::colour(s.color);
        html! {
            <span><span class="swatch" style={format!("background: rgb({r} {g} {b})")}></span>{ s.label.clone() }</span>
        }
    });
    html! {
        <figure class="time-chart">
            <div class="chart-head">
                <figcaption class="chart-title">{ title.clone() }</figcaption>
                <div class="chart-export" role="group" aria-label={format!("Export {title}")}>
                    <button class="png" onclick={on_png} title="Download as PNG">{"PNG"}</button>
                    <button class="svg" onclick={on_svg} title="Download as SVG">{"SVG"}</button>
                </div>
            </div>
            if let Some(message) = &*export_error {
                <p class="error chart-export-error" role="alert">{ message.clone() }</p>
            }
            <div class="chart-area">
                <canvas ref={canvas} id={props.id.clone()} width="600" height="200"
                    role="img" aria-label={described} data-y-scale={if log { "log" } else { "linear" }} data-x-axis={x_axis}
                    onmousemove={on_move} onmouseleave={on_leave}></canvas>
                if empty {
                    <p class="chart-hint">{ props.hint.clone() }</p>
                }
            </div>
            if !empty {
                <div class="chart-legend">{ for legend }</div>
            }
            <div class="readout" data-testid={format!("readout-{}", props.id)}>
                { if read_out.is_empty() { "\u{a0}".to_owned() } else { (*read_out).clone() } }
            </div>
        </figure>
    }
}

/// What the chart's axes say.
struct Axes<'a> {
    x_desc: &'a str,
    y_desc: &'a str,
    /// What a gap is short of ("no request answered").
    empty: &'a str,
}

/// The read-out at the mouse (`offset_x`, CSS pixels); nothing outside the
/// plot.
fn hover_text(
    canvas: &NodeRef,
    x_map: &Rc<RefCell<XMap>>,
    data: &ChartData,
    marks: &[f64],
    axes: &Axes,
    offset_x: i32,
) -> Option<String> {
    let element = canvas.cast::<HtmlCanvasElement>()?;
    let scale = f64::from(element.width()) / f64::from(element.client_width().max(1));
    let px = f64::from(offset_x) * scale;
    let map = *x_map.borrow();
    if map.right <= map.left || px < f64::from(map.left) || px > f64::from(map.right) {
        return None;
    }
    let x = map.start
        + (px - f64::from(map.left)) / f64::from(map.right - map.left) * (map.end - map.start);
    let read = read_out::read_out(data, x)?;
    let text = read_out::words(&read, x, axes.x_desc, axes.y_desc, axes.empty);
    // Within 6 CSS pixels of a live change's mark: name it.
    let per_px = (map.end - map.start) / f64::from(map.right - map.left) * scale;
    let change = chart_data::mark_near(marks, x, 6.0 * per_px)
        .map_or(String::new(), |m| format!(" · live change at {}", crate::format::clock(m)));
    Some(format!("{text}{change}"))
}

/// Draws `data` on `canvas`, sized to its box at the device's pixel ratio;
/// nothing but the background while there is no data (the page shows a
/// hint instead of empty axes).
fn draw(
    canvas: HtmlCanvasElement,
    data: &ChartData,
    marks: &[f64],
    y_desc: &str,
    x_desc: &str,
) -> Result<XMap, String> {
    let css_h = canvas.client_height();
    let Some(dpr) = fit_to_box(&canvas) else {
        // Hidden (another tab or view): drawn when shown.
        return Ok(XMap::default());
    };
    let backend = ChartBackend::new(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    // One label per 28 px of plot at most: a short chart (a player on a
    // phone) gets two or three, not five on top of each other.
    let y_count = usize::try_from((css_h - 40) / 28).unwrap_or(0).clamp(2, 5);
    let look = Look { scale: dpr, colours: scheme(), y_count, title: None };
    let plotted = plot(&root, data, marks, y_desc, x_desc, &look)?;
    root.present().map_err(|e| e.to_string())?;
    // The hover read-out maps CSS pixels: the backing store is dpr times as wide.
    Ok(plotted.map_or(XMap::default(), |(start, end, pixels)| XMap {
        start,
        end,
        left: pixels.start,
        right: pixels.end,
    }))
}

/// The exported PNG's size in CSS pixels (the SVG export's), drawn at
/// twice that in device pixels: sharp in a document or a chat.
const EXPORT_SIZE: (u32, u32) = (800, 420);
const EXPORT_SCALE: f64 = 2.0;

/// The chart as a PNG image for a document: the SVG export's size at twice
/// the pixels, on white, with its title and legend drawn in (on screen they
/// are the page's HTML) and the live changes marked. The same drawing as
/// the screen's ([`plot`]) on a canvas of its own, never the one shown.
pub fn png(
    data: &ChartData,
    marks: &[f64],
    title: &str,
    y_desc: &str,
    x_desc: &str,
) -> Result<String, String> {
    let canvas: HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into().ok())
        .ok_or("no canvas to draw the PNG on")?;
    canvas.set_width((f64::from(EXPORT_SIZE.0) * EXPORT_SCALE) as u32);
    canvas.set_height((f64::from(EXPORT_SIZE.1) * EXPORT_SCALE) as u32);
    let backend = ChartBackend::new(canvas.clone()).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    let look =
        Look { scale: EXPORT_SCALE, colours: Scheme::light(), y_count: 6, title: Some(title) };
    plot(&root, data, marks, y_desc, x_desc, &look)?;
    root.present().map_err(|e| e.to_string())?;
    canvas.to_data_url().map_err(|_| "the browser refused to encode it".to_owned())
}

/// How a drawing looks: its pixels per CSS pixel, colours, how many y
/// labels at most, and a title (an export's; with it, a legend too).
struct Look<'a> {
    scale: f64,
    colours: Scheme,
    y_count: usize,
    title: Option<&'a str>,
}

/// The chart itself, on any plotters backend: background, axes in the
/// data's units (`chart_data::axes`), the series (lines, stacked bands, a
/// dot for a single window; broken at their gaps), a thin line at each live change, and with a
/// title the title and a legend. The x range and the plot's pixel columns,
/// or `None` with no data (the background alone).
fn plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    data: &ChartData,
    marks: &[f64],
    y_desc: &str,
    x_desc: &str,
    look: &Look,
) -> Result<Option<(f64, f64, std::ops::Range<i32>)>, String> {
    let px = |n: f64| (n * look.scale).round() as i32;
    let colours = &look.colours;
    root.fill(&colours.background).map_err(|e| e.to_string())?;
    let Some(axes) = chart_data::axes(data, x_desc, y_desc, look.y_count) else {
        return Ok(None);
    };
    let (x_desc, y_desc) = (axes.x.desc(), axes.y.desc());
    let font = |size: f64| ("sans-serif", f64::from(px(size))).into_font().color(&colours.ink);
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(px(6.0))
        .margin_right(px(12.0))
        .x_label_area_size(px(30.0))
        .y_label_area_size(px(if axes.y.log { 60.0 } else { 48.0 }));
    if let Some(title) = look.title {
        builder.caption(title, font(16.0));
    }
    let mut chart = builder
        .build_cartesian_2d(Ticked::of(&axes.x), Ticked::of(&axes.y))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(colours.grid.mix(0.5))
        .bold_line_style(colours.grid)
        .axis_style(colours.ink.mix(0.6))
        .x_label_formatter(&|v| axes.x.label(*v))
        .y_label_formatter(&|v| axes.y.label(*v))
        .label_style(font(11.0))
        .axis_desc_style(font(11.0))
        .x_desc(x_desc.as_str())
        .y_desc(y_desc.as_str())
        .draw()
        .map_err(|e| e.to_string())?;
    for (s, run) in data.drawn_runs() {
        let c = color(s.color);
        let points = run.iter().copied();
        if run.len() == 1 {
            // One window: a dot, where a line or a band has nothing to join.
            chart.draw_series(points.map(|p| Circle::new(p, px(3.0), c.filled())))
        } else if data.stacked {
            chart.draw_series(AreaSeries::new(points, 0.0, c.mix(0.85)).border_style(c))
        } else {
            chart.draw_series(LineSeries::new(points, c.stroke_width(px(1.6) as u32)))
        }
        .map_err(|e| e.to_string())?;
    }
    // Live changes: a thin line from the axis up, in the frame's ink.
    let (x_start, x_end) = (axes.x.low, axes.x.high);
    let (y_low, y_high) = (axes.y.low, axes.y.high);
    let shown = marks.iter().filter(|m| (x_start..=x_end).contains(*m));
    chart
        .draw_series(shown.map(|&m| {
            PathElement::new(
                vec![(m, y_low), (m, y_high)],
                colours.ink.mix(0.55).stroke_width(px(1.0).max(1) as u32),
            )
        }))
        .map_err(|e| e.to_string())?;
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    if look.title.is_some() {
        let at = (x_pixels.start + px(10.0), y_pixels.start + px(10.0));
        legend(root, data, at, look).map_err(|e| e.to_string())?;
    }
    Ok(Some((x_start, x_end, x_pixels)))
}

/// An export's legend, as the page shows it beside the chart: a swatch and
/// the label of each series, in the series' order, on a box over the
/// plot's upper left corner.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    data: &ChartData,
    (x, y): (i32, i32),
    look: &Look,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |n: f64| (n * look.scale).round() as i32;
    let font = ("sans-serif", f64::from(px(12.0))).into_font().color(&look.colours.ink);
    let widest = data.series.iter().filter_map(|s| root.estimate_text_size(&s.label, &font).ok());
    let width = px(34.0) + widest.map(|(w, _)| w as i32).max().unwrap_or(0);
    let (row, rows) = (px(18.0), data.series.len() as i32);
    let corner = (x + width, y + rows * row + px(8.0));
    root.draw(&Rectangle::new([(x, y), corner], look.colours.background.mix(0.85).filled()))?;
    root.draw(&Rectangle::new([(x, y), corner], look.colours.grid))?;
    for (k, s) in (0..).zip(&data.series) {
        let top = y + px(4.0) + k * row + (row - px(12.0)) / 2;
        let swatch = [(x + px(8.0), top), (x + px(20.0), top + px(12.0))];
        root.draw(&Rectangle::new(swatch, color(s.color).filled()))?;
        root.draw(&Text::new(s.label.as_str(), (x + px(26.0), top - px(1.0)), font.clone()))?;
    }
    Ok(())
}
