//! `scalesim edit FILE --set PATH=VALUE … [-o OUT]`: the app's edits on the
//! command line, for scripts and CI. Only the edited values change in the
//! file (comments, layout, order and spelling kept); the result must read
//! as a valid scenario, else nothing is written.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use scalesim_engine::{Scenario, set};

use crate::EXIT_CANNOT_RUN;

// Exit codes, as for every subcommand (`scalesim --help`): 0 written; 2
// when an edit is refused (a path, a value, or the edited scenario would
// not be valid: nothing is written) or the file cannot be read, written,
// or is not a valid scenario to begin with; 64 (clap's, in `main`) on a
// usage error such as a `--set` without `=`. 1 is an expectation failing,
// which `edit` does not judge, and 3 an overload, which it does not run.

/// An edit refused: the file as it was could not take it.
const REFUSED: u8 = EXIT_CANNOT_RUN;
/// The file cannot be read, written, or is not valid to begin with.
const BROKEN: u8 = EXIT_CANNOT_RUN;

/// Applies every `--set` to `file` and writes it to `out` (`-` for standard
/// output), or back to `file`; then says on stderr, in one line, what
/// changed (stdout carries only the file, when it carries it).
pub fn run(file: &Path, sets: &[(String, String)], out: Option<&Path>) -> ExitCode {
    match edit(file, sets, out) {
        Ok(changes) => {
            eprintln!("{}", confirmation(file, out, &changes));
            ExitCode::SUCCESS
        }
        Err((code, message)) => {
            eprintln!("scalesim: {message}");
            ExitCode::from(code)
        }
    }
}

/// The line that confirms a written edit: where it went and each change
/// (`edited x.toml: node "api".workers 4 → 8`).
fn confirmation(file: &Path, out: Option<&Path>, changes: &[String]) -> String {
    let file = file.display();
    let place = match out {
        None => format!("edited {file}"),
        Some(path) if path == Path::new("-") => format!("edited {file} onto standard output"),
        Some(path) => format!("edited {file} into {}", path.display()),
    };
    format!("{place}: {}", changes.join(", "))
}

/// The edit itself: what each `--set` changed, in words, once written.
fn edit(
    file: &Path,
    sets: &[(String, String)],
    out: Option<&Path>,
) -> Result<Vec<String>, (u8, String)> {
    let name = file.display().to_string();
    let original =
        std::fs::read_to_string(file).map_err(|e| (BROKEN, format!("cannot read {name}: {e}")))?;
    Scenario::from_toml(&name, &original).map_err(|e| {
        (BROKEN, format!("{e}\n(fix the file first: edit changes valid scenarios)"))
    })?;
    // The same check, and so the same message, as `run --set`: every
    // refused edit listed.
    let overrides = crate::Overrides { sets: sets.to_vec(), ..crate::Overrides::default() };
    crate::scenario_from(&name, &original, &overrides).map_err(|problems| {
        (REFUSED, scalesim_engine::ScenarioError { diagnostics: problems }.to_string())
    })?;
    let mut text = original.clone();
    let mut changes = Vec::with_capacity(sets.len());
    for (path, value) in sets {
        let edited = set::apply_to_text(&text, path, value)
            .map_err(|e| (REFUSED, format!("--set {path}={value}: {e}")))?;
        changes.push(set::describe(&text, &edited, path, value));
        text = edited;
    }
    Scenario::from_toml(&name, &text).map_err(|e| {
        (REFUSED, format!("the edited scenario would not run, so {name} is left as it was: {e}"))
    })?;
    match out {
        Some(path) if path == Path::new("-") => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| (BROKEN, format!("cannot write the result: {e}")))?,
        Some(path) => write(path, &text)?,
        None => write(file, &text)?,
    }
    Ok(changes)
}

/// Writes `text` to `path` whole or not at all (a temporary file beside it,
/// renamed over it), keeping the permissions of a file it replaces.
fn write(path: &Path, text: &str) -> Result<(), (u8, String)> {
    let name = path.display();
    let fail = |e: std::io::Error| (BROKEN, format!("cannot write {name}: {e}"));
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{file_name}.scalesim-edit-{}", std::process::id()));
    let written = std::fs::write(&temp, text).and_then(|()| {
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}
