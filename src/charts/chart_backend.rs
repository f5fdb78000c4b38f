//! The charts' drawing backend: plotters' canvas backend, except that text
//! is measured by the canvas itself.
//!
//! On the web, plotters measures a label by adding a span to the document
//! and reading its size, which makes the browser lay out the page again:
//! a couple of dozen times a chart, so every redraw was a long main-thread
//! task while the simulation played. The canvas's own `measureText` gives
//! the width without touching the document.
//!
//! Beside it, what every chart's frame shares: its backing store sized to
//! its box at the device's pixel ratio, its colours in the page's scheme,
//! and its axes' type ([`Ticked`], ticks on round values of the unit shown).

use plotters::prelude::Ranged;

use crate::charts::chart_data::{Axis, AxisUnit};
use plotters::style::{RGBColor, WHITE};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;
type Drawn = Result<(), DrawingErrorKind<CanvasError>>;

/// Line height as a multiple of the font size (the browser's `normal`).
const LINE_HEIGHT: f64 = 1.15;

/// Sizes `canvas`'s backing store to its box at the device's pixel ratio
/// (1 to 3, so a zoomed-out page stays sharp and a huge ratio stays
/// cheap): the ratio, or `None` while the box is empty (hidden in another
/// tab or view: drawn when shown).
pub fn fit_to_box(canvas: &HtmlCanvasElement) -> Option<f64> {
    let (css_w, css_h) = (canvas.client_width(), canvas.client_height());
    if css_w <= 0 || css_h <= 0 {
        return None;
    }
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    let (px_w, px_h) = ((f64::from(css_w) * dpr) as u32, (f64::from(css_h) * dpr) as u32);
    if canvas.width() != px_w || canvas.height() != px_h {
        canvas.set_width(px_w);
        canvas.set_height(px_h);
    }
    Some(dpr)
}

/// Colours of a chart's frame in the page's scheme.
pub struct Scheme {
    pub background: RGBColor,
    pub ink: RGBColor,
    pub grid: RGBColor,
}

/// The frame's colours for the page's theme now (dark or light).
pub fn scheme() -> Scheme {
    if crate::browser::dark_theme() {
        Scheme {
            background: RGBColor(17, 21, 31),
            ink: RGBColor(200, 206, 216),
            grid: RGBColor(46, 54, 72),
        }
    } else {
        Scheme::light()
    }
}

impl Scheme {
    /// The light theme's colours: the page's by day, and every export's
    /// (an image pasted into a document or a chat sits on white).
    pub fn light() -> Scheme {
        Scheme { background: WHITE, ink: RGBColor(75, 85, 99), grid: RGBColor(232, 236, 242) }
    }
}

/// A canvas to draw a chart on.
pub struct ChartBackend {
    canvas: CanvasBackend,
    context: CanvasRenderingContext2d,
}

impl ChartBackend {
    /// The backend for `canvas`, or `None` if it has no 2D context.
    pub fn new(canvas: HtmlCanvasElement) -> Option<Self> {
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        Some(ChartBackend { canvas: CanvasBackend::with_canvas_object(canvas)?, context })
    }
}

impl DrawingBackend for ChartBackend {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.canvas.get_size()
    }

    fn ensure_prepared(&mut self) -> Drawn {
        self.canvas.ensure_prepared()
    }

    fn present(&mut self) -> Drawn {
        self.canvas.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.canvas.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        self.canvas.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.canvas.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        self.canvas.draw_path(path, style)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        self.canvas.fill_polygon(vert, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        self.canvas.draw_circle(center, radius, style, fill)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Drawn {
        self.canvas.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let width = self.context.measure_text(text).map_or(0.0, |m| m.width());
        Ok((width.ceil() as u32, (style.size() * LINE_HEIGHT).ceil() as u32))
    }
}

/// An axis whose ticks and mapping are given by a
/// [`crate::charts::chart_data::Axis`]: ticks on round values of the unit
/// shown, where plotters' own would be round in the data's unit (seconds
/// ticked at 58, 116 days), and a linear or logarithmic scale, computed
/// once for the canvas and the SVG export alike. Labels come from the
/// chart's formatter; no light grid lines. Every chart uses it, so
/// plotters' drawing code is built for one coordinate type, not two.
pub struct Ticked {
    axis: Axis,
}

impl Ticked {
    /// A linear axis over `range` with these ticks (in the data's unit).
    pub fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Self {
        let unit = AxisUnit { divisor: 1.0, desc: String::new(), steps: &[] };
        Ticked { axis: Axis { low: range.start, high: range.end, log: false, unit, ticks } }
    }

    /// The axis `axis` describes.
    pub fn of(axis: &Axis) -> Self {
        Ticked { axis: axis.clone() }
    }
}

impl Ranged for Ticked {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let f = self.axis.fraction(*value);
        let f = if f.is_finite() { f.clamp(-1.0, 2.0) } else { 0.0 };
        limit.0 + (f * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.axis.ticks.clone() }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.axis.low..self.axis.high
    }
}
