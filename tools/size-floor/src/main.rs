//! A page with one button. Each feature adds one part of scalesim's stack,
//! used for real but as little as possible: a line chart drawn by plotters
//! on a canvas (`chart`), a scenario read from the URL's fragment with the
//! format's diagnostics (`scenario`), and that scenario run for ten
//! simulated seconds (`engine`). Nothing here is scalesim's page: it is the
//! cost of the stack before the page's own features.

use yew::prelude::*;

/// What a click shows: the scenario's problems, or its run's summary.
fn outcome() -> (String, Vec<(f64, f64)>) {
    let text = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    #[cfg(feature = "scenario")]
    {
        match scalesim_scenario::scenario::Scenario::from_toml("page.toml", &text) {
            Err(e) => (e.to_string(), Vec::new()),
            #[cfg(not(feature = "engine"))]
            Ok(s) => (format!("{} nodes", s.nodes.len()), Vec::new()),
            #[cfg(feature = "engine")]
            Ok(s) => run(s),
        }
    }
    #[cfg(not(feature = "scenario"))]
    (text, vec![(0.0, 0.0), (1.0, 1.0)])
}

#[cfg(feature = "engine")]
fn run(scenario: scalesim_engine::Scenario) -> (String, Vec<(f64, f64)>) {
    use scalesim_engine::{SimTime, Simulation};
    match Simulation::new(scenario) {
        Ok(mut sim) => {
            let windows = sim.advance_until(SimTime::from_nanos(10_000_000_000));
            let points = windows.iter().map(|w| (w.start_s, w.throughput_rps)).collect();
            (format!("{:?}", sim.summary()), points)
        }
        Err(e) => (e.to_string(), Vec::new()),
    }
}

#[cfg(feature = "chart")]
fn draw(points: &[(f64, f64)]) {
    use plotters::prelude::*;
    let Some(backend) = plotters_canvas::CanvasBackend::new("chart") else { return };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let top = points.iter().map(|p| p.1).fold(1.0, f64::max);
    let right = points.iter().map(|p| p.0).fold(1.0, f64::max);
    if let Ok(mut chart) = ChartBuilder::on(&root)
        .margin(5)
        .x_label_area_size(20)
        .y_label_area_size(30)
        .build_cartesian_2d(0.0..right, 0.0..top)
    {
        let _ = chart.configure_mesh().draw();
        let _ = chart.draw_series(LineSeries::new(points.iter().copied(), &BLUE));
    }
}

#[function_component]
fn Page() -> Html {
    let shown = use_state(String::new);
    let onclick = {
        let shown = shown.clone();
        Callback::from(move |_| {
            let (text, points) = outcome();
            #[cfg(feature = "chart")]
            draw(&points);
            #[cfg(not(feature = "chart"))]
            let _ = points;
            shown.set(text);
        })
    };
    html! {
        <main>
            <button {onclick}>{ "Run" }</button>
            <canvas id="chart" width="400" height="240"></canvas>
            <pre>{ (*shown).clone() }</pre>
        </main>
    }
}

fn main() {
    yew::Renderer::<Page>::new().render();
}
