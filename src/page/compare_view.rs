//! Variant A beside variant B: their p99 and goodput overlaid, and a short
//! table of the differences over the last stretch both have simulated.

use std::rc::Rc;

use scalesim_engine::WindowReport;
use yew::prelude::*;

use crate::charts::compare_data::{self, Figures};
use crate::charts::time_chart::TimeChart;
use crate::format;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub a: Rc<Vec<Rc<WindowReport>>>,
    pub b: Rc<Vec<Rc<WindowReport>>>,
    /// Redraw when this changes.
    pub version: u64,
    /// B's worker's last error, if any.
    pub error_b: Option<String>,
    /// What the charts' downloads are named by: the scenario's stem, no
    /// variant (they hold both).
    #[prop_or_default]
    pub file_stem: AttrValue,
}

/// The compare panel.
#[function_component(CompareView)]
pub fn compare_view(props: &Props) -> Html {
    let charts = {
        let (a, b) = (props.a.clone(), props.b.clone());
        use_memo(props.version, move |_| {
            (Rc::new(compare_data::latency(&a, &b)), Rc::new(compare_data::goodput(&a, &b)))
        })
    };
    let span = compare_data::common_span(&props.a, &props.b);
    let table = span.map(|(from, to)| {
        let (fa, fb) = (compare_data::figures(&props.a, from, to), compare_data::figures(&props.b, from, to));
        let row = |name: &'static str, id: &'static str, f: fn(&Figures) -> Option<f64>, text: &dyn Fn(&Figures, f64) -> String| {
            let (va, vb) = (f(&fa), f(&fb));
            let diff = compare_data::change(va, vb);
            let cell = |fig: &Figures, v: Option<f64>| v.map_or_else(|| format::ABSENT.to_owned(), |v| text(fig, v));
            html! {
                <tr data-metric={id}>
                    <th scope="row">{ name }</th>
                    <td data-testid={format!("compare-{id}-a")}>{ cell(&fa, va) }</td>
                    <td data-testid={format!("compare-{id}-b")}>{ cell(&fb, vb) }</td>
                    <td>{ diff }</td>
                </tr>
            }
        };
        html! {
            <>
                <p class="muted">{ compare_data::span_words(from, to) }</p>
                <table class="compare-table" data-testid="compare-table">
                    <thead><tr><th></th><th>{"A"}</th><th>{"B"}</th><th>{"B against A"}</th></tr></thead>
                    <tbody>
                        { row("p99", "p99", |f| f.p99_ms, &|_, v| format::duration_ms(v)) }
                        { row("goodput", "goodput", |f| f.goodput, &compare_data::goodput_text) }
                        { row("errors", "errors", |f| f.errors, &|_, v| format::share(v)) }
                        { row("cost", "cost", |f| f.cost_per_million, &|_, v| format!("{v:.2} / 10⁶")) }
                    </tbody>
                </table>
            </>
        }
    });
    html! {
        <section class="compare" aria-label="Compare A and B">
            <h2>{"A against B"}</h2>
            if let Some(message) = &props.error_b {
                <div class="error" role="alert">{ format!("B: {message}") }</div>
            }
            { table.unwrap_or_else(|| html! { <p class="muted">{"Play to compare: both variants run on the same seed and load."}</p> }) }
            <TimeChart id="compare-latency-chart" title="User p99: A against B" y_desc="p99 (ms)" empty="no request answered"
                data={charts.0.clone()} version={props.version} file_stem={props.file_stem.clone()} />
            <TimeChart id="compare-goodput-chart" title="Goodput: A against B" y_desc="requests/s"
                data={charts.1.clone()} version={props.version} delay_ms={30} file_stem={props.file_stem.clone()} />
        </section>
    }
}
