//! `scalesim run --traces OUT.json`: the sampled request traces as OTLP
//! JSON, written a window at a time as the run goes (so a long run's file
//! never sits in memory): `{"resourceSpans":[ … ]}`, each entry one node's
//! (or load's) spans of one window, from `scalesim_engine::otlp`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use scalesim_engine::trace::TraceWindow;
use scalesim_engine::{Scenario, otlp};

/// The file being written.
pub struct OtlpFile {
    path: PathBuf,
    out: BufWriter<File>,
    /// Entries written so far (a comma goes before every later one).
    entries: u64,
    /// Traces written so far.
    pub traces: u64,
    /// The first write that failed (later ones are not tried): reported
    /// by `finish`, so the run itself goes on undisturbed.
    error: Option<String>,
}

impl OtlpFile {
    /// Creates `path` and writes the document's opening.
    pub fn create(path: &Path) -> Result<OtlpFile, String> {
        let file = File::create(path)
            .map_err(|e| format!("cannot write traces to {}: {e}", path.display()))?;
        let mut f = OtlpFile {
            path: path.to_owned(),
            out: BufWriter::new(file),
            entries: 0,
            traces: 0,
            error: None,
        };
        f.write(b"{\"resourceSpans\":[")?;
        Ok(f)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.out
            .write_all(bytes)
            .map_err(|e| format!("cannot write traces to {}: {e}", self.path.display()))
    }

    /// Appends the traces of closed windows (after a failed write, does
    /// nothing: `finish` reports it).
    pub fn windows(&mut self, windows: &[TraceWindow], scenario: &Scenario) {
        if self.error.is_none()
            && let Err(e) = self.append(windows, scenario)
        {
            self.error = Some(e);
        }
    }

    fn append(&mut self, windows: &[TraceWindow], scenario: &Scenario) -> Result<(), String> {
        for window in windows {
            self.traces += window.traces.len() as u64;
            for entry in otlp::resource_spans(window, scenario) {
                if self.entries > 0 {
                    self.write(b",\n")?;
                } else {
                    self.write(b"\n")?;
                }
                self.entries += 1;
                let path = self.path.display().to_string();
                serde_json::to_writer(&mut self.out, &entry)
                    .map_err(|e| format!("cannot write traces to {path}: {e}"))?;
            }
        }
        Ok(())
    }

    /// Closes the document.
    pub fn finish(mut self) -> Result<u64, String> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.write(b"\n]}\n")?;
        self.out
            .flush()
            .map_err(|e| format!("cannot write traces to {}: {e}", self.path.display()))?;
        Ok(self.traces)
    }
}
