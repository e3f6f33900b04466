//! Reading answers: from a person at the prompt, or from a script's answers file.
//!
//! Both drive the same [`Quiz`]; they differ only in what a bad line means. A person is
//! re-asked with a hint (a typo never scores); a script gets an error naming the line.

use crate::render::{self, Theme};
use skillquiz::history::HistoryError;
use skillquiz::review::ReviewSession;
use skillquiz::{Answer, Catalog, Ended, Item, Quiz, Response, parse_answer};
use std::io::{BufRead, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Instant;

/// Called after each answer is graded, before it is acknowledged on screen: the history
/// records it here, so an acknowledged answer is a saved one. `seq` is 0-based.
pub type OnAnswer<'a> = dyn FnMut(usize, &Response) -> Result<(), HistoryError> + 'a;

/// What the prompt drives: a quiz or a review, question by question.
pub trait Session {
    fn current(&self) -> Option<Item<'_>>;
    fn answer(&mut self, answer: Answer, seconds: f64, certainty: Option<u8>) -> Option<Response>;
    /// Answers given so far.
    fn answered(&self) -> usize;
}

impl Session for Quiz<'_> {
    fn current(&self) -> Option<Item<'_>> {
        Quiz::current(self)
    }
    fn answer(&mut self, answer: Answer, seconds: f64, c: Option<u8>) -> Option<Response> {
        Quiz::answer_with(self, answer, seconds, c).cloned()
    }
    fn answered(&self) -> usize {
        self.responses().len()
    }
}

impl Session for ReviewSession<'_> {
    fn current(&self) -> Option<Item<'_>> {
        ReviewSession::current(self)
    }
    fn answer(&mut self, answer: Answer, seconds: f64, c: Option<u8>) -> Option<Response> {
        ReviewSession::answer_with(self, answer, seconds, c).cloned()
    }
    fn answered(&self) -> usize {
        self.responses().len()
    }
}

/// What one read from the person gives.
pub enum Input {
    Line(String),
    /// Input ended (Ctrl-D, or the end of a pipe).
    End,
    /// Ctrl-C.
    Interrupt,
    Failed(std::io::Error),
}

/// True while a quiz is running: Ctrl-C then ends the quiz like `q`; at any other time it
/// stops the program as usual (exit 130).
static IN_QUIZ: AtomicBool = AtomicBool::new(false);
/// Set by Ctrl-C during a quiz; lines already read after it are not answered.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INTERRUPTS: Mutex<Option<SyncSender<Input>>> = Mutex::new(None);

/// The longest answer line accepted, in bytes (an answer is a letter, a number or a
/// short phrase; this bounds the memory an endless line, such as `/dev/zero`, can take).
pub const MAX_LINE_BYTES: usize = 4096;

/// One line of `input` without its ending (`\n`, `\r\n` or a lone `\r`), at most `max`
/// bytes; `None` at the end of input. A longer line is an error naming the limit, and
/// invalid UTF-8 is an error too.
pub fn read_line_bounded(input: &mut dyn BufRead, max: usize) -> std::io::Result<Option<String>> {
    let mut bytes: Vec<u8> = Vec::new();
    let mut saw_any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        saw_any = true;
        if let Some(i) = buf.iter().position(|&b| b == b'\n' || b == b'\r') {
            bytes.extend_from_slice(&buf[..i]);
            let cr = buf[i] == b'\r';
            input.consume(i + 1);
            if cr {
                // \r\n is one ending.
                let next = input.fill_buf()?;
                if next.first() == Some(&b'\n') {
                    input.consume(1);
                }
            }
            return finish(bytes, max).map(Some);
        }
        let n = buf.len();
        bytes.extend_from_slice(buf);
        input.consume(n);
        if bytes.len() > max {
            return finish(bytes, max).map(Some);
        }
    }
    if saw_any {
        finish(bytes, max).map(Some)
    } else {
        Ok(None)
    }
}

fn finish(bytes: Vec<u8>, max: usize) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    if bytes.len() > max {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!("an answer line is longer than {max} bytes"),
        ));
    }
    String::from_utf8(bytes)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|_| Error::new(ErrorKind::InvalidData, "stream did not contain valid UTF-8"))
}

/// Lines read ahead at most: a huge answers file is not read into memory.
const READ_AHEAD: usize = 64;

/// Answer lines: typed, piped or from an answers file.
pub struct Lines {
    from: LinesFrom,
}

enum LinesFrom {
    /// Read on this thread as they are asked for: a file, which never keeps a read waiting
    /// (no thread to start, and Ctrl-C stops the program as it does outside a quiz).
    Here(std::cell::RefCell<Box<dyn BufRead>>),
    /// Read on a thread of their own (a terminal, a pipe), so that Ctrl-C can end a quiz
    /// while a read is waiting.
    Reader {
        rx: Receiver<Input>,
        /// With a line editor: where to send the prompt of each read (plain, styled).
        ask: Option<SyncSender<(String, String)>>,
    },
}

impl Lines {
    /// A line editor on the terminal (rustyline): arrow keys, Home/End, Ctrl-W and the
    /// quiz's earlier answers with Up work, and no control byte reaches the answer. Ctrl-C
    /// and Ctrl-D end the quiz like `q` and the end of input. `None` when the editor cannot
    /// start (then read stdin plainly).
    pub fn editor() -> Option<Lines> {
        use rustyline::error::ReadlineError;
        let config = rustyline::Config::builder()
            .behavior(rustyline::Behavior::PreferTerm)
            .auto_add_history(true)
            .max_history_size(100)
            .ok()?
            .build();
        let mut rl = rustyline::DefaultEditor::with_config(config).ok()?;
        install_interrupt_handler();
        let (tx, rx) = sync_channel(1);
        let (ask, asked) = sync_channel::<(String, String)>(1);
        if let Ok(mut slot) = INTERRUPTS.lock() {
            *slot = Some(tx.clone());
        }
        std::thread::spawn(move || {
            while let Ok((raw, styled)) = asked.recv() {
                let msg = match rl.readline(&(raw.as_str(), styled.as_str())) {
                    Ok(line) => Input::Line(line + "\n"),
                    Err(ReadlineError::Interrupted) => Input::Interrupt,
                    Err(ReadlineError::Eof) => Input::End,
                    Err(ReadlineError::Io(e)) => Input::Failed(e),
                    Err(e) => Input::Failed(std::io::Error::other(e.to_string())),
                };
                let last = !matches!(msg, Input::Line(_));
                if tx.send(msg).is_err() || last {
                    return;
                }
            }
        });
        Some(Lines {
            from: LinesFrom::Reader { rx, ask: Some(ask) },
        })
    }

    /// True when a line editor shows the prompt (the caller must not print it).
    pub fn edits(&self) -> bool {
        matches!(self.from, LinesFrom::Reader { ask: Some(_), .. })
    }

    /// The next line, the prompt shown by the editor if there is one (else by the caller
    /// before this call).
    pub fn next_after(&self, plain: &str, styled: &str) -> Input {
        if let LinesFrom::Reader { ask: Some(ask), .. } = &self.from
            && ask.send((plain.to_string(), styled.to_string())).is_err()
        {
            return Input::End;
        }
        self.next()
    }

    /// Reads stdin: on this thread when it is a file (`< answers.txt`), else on a thread.
    pub fn stdin() -> Lines {
        let stdin = std::io::stdin();
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            let file = stdin.as_fd().try_clone_to_owned().map(std::fs::File::from);
            if let Ok(f) = file
                && reads_never_wait(&f)
            {
                return Lines::here(Box::new(std::io::BufReader::new(f)));
            }
        }
        Lines::reader(Box::new(std::io::BufReader::new(stdin)))
    }

    /// Reads `input` on this thread, as lines are asked for.
    fn here(input: Box<dyn BufRead>) -> Lines {
        Lines {
            from: LinesFrom::Here(std::cell::RefCell::new(input)),
        }
    }

    /// Starts reading `input` on a thread, with Ctrl-C routed into the same stream.
    pub fn reader(mut input: Box<dyn BufRead + Send>) -> Lines {
        install_interrupt_handler();
        let (tx, rx) = sync_channel(READ_AHEAD);
        if let Ok(mut slot) = INTERRUPTS.lock() {
            *slot = Some(tx.clone());
        }
        std::thread::spawn(move || {
            loop {
                let msg = read_input(&mut *input);
                let last = !matches!(msg, Input::Line(_));
                if tx.send(msg).is_err() || last {
                    return;
                }
            }
        });
        Lines {
            from: LinesFrom::Reader { rx, ask: None },
        }
    }

    pub fn next(&self) -> Input {
        let msg = match &self.from {
            LinesFrom::Here(input) => read_input(&mut **input.borrow_mut()),
            LinesFrom::Reader { rx, .. } => rx.recv().unwrap_or(Input::End),
        };
        if INTERRUPTED.swap(false, Ordering::SeqCst) {
            Input::Interrupt
        } else {
            msg
        }
    }
}

/// One read of an answer line.
fn read_input(input: &mut dyn BufRead) -> Input {
    match read_line_bounded(input, MAX_LINE_BYTES) {
        Ok(None) => Input::End,
        Ok(Some(line)) => Input::Line(line),
        Err(e) => Input::Failed(e),
    }
}

/// True for a file whose reads never wait for someone: a regular file, a block device, or
/// a character device that is not a terminal (`/dev/null`). A terminal, a pipe, a FIFO or
/// a socket can keep a read waiting.
fn reads_never_wait(f: &std::fs::File) -> bool {
    use std::io::IsTerminal;
    let Ok(m) = f.metadata() else {
        return false;
    };
    let t = m.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        t.is_file() || t.is_block_device() || (t.is_char_device() && !f.is_terminal())
    }
    #[cfg(not(unix))]
    {
        t.is_file() && !f.is_terminal()
    }
}

/// Where answers come from: `--answers FILE`, `--answers -` (stdin), or the person: a
/// line editor at a terminal, plain lines from a pipe.
pub fn answer_lines(
    answers: Option<&std::path::Path>,
    stdin_is_terminal: bool,
) -> Result<Lines, crate::Failure> {
    Ok(match answers {
        None if stdin_is_terminal => Lines::editor().unwrap_or_else(Lines::stdin),
        None => Lines::stdin(),
        Some(p) if p.as_os_str() == "-" => Lines::stdin(),
        Some(p) => {
            let f = std::fs::File::open(p).map_err(|e| {
                crate::Failure::Usage(format!("cannot read answers file {}: {e}", p.display()))
            })?;
            if reads_never_wait(&f) {
                Lines::here(Box::new(std::io::BufReader::new(f)))
            } else {
                Lines::reader(Box::new(std::io::BufReader::new(f)))
            }
        }
    })
}

/// How an answer source is named in messages: the file, or `<stdin>` for `-`.
pub fn source_name(path: &std::path::Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Where the questions and prompt go: stdout, or stderr when stdout carries the JSON
/// or is not the person's terminal (`take > report.txt`: the quiz stays visible).
pub fn ui_stream(json: bool, stdin_is_terminal: bool) -> (Box<dyn Write>, Theme) {
    use std::io::IsTerminal;
    if json || (stdin_is_terminal && !std::io::stdout().is_terminal()) {
        (
            Box::new(std::io::stderr()),
            Theme::for_stream(std::io::stderr().is_terminal()),
        )
    } else {
        (
            Box::new(std::io::stdout()),
            Theme::for_stream(std::io::stdout().is_terminal()),
        )
    }
}

/// Installs the Ctrl-C handler, once, as a quiz starts reading from something that can
/// keep it waiting (its thread is not started for anything else). Before that, and in
/// every other command, Ctrl-C stops the program as usual (the shell's status 130).
fn install_interrupt_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if IN_QUIZ.load(Ordering::SeqCst)
                && let Ok(slot) = INTERRUPTS.lock()
                && let Some(tx) = slot.as_ref()
            {
                INTERRUPTED.store(true, Ordering::SeqCst);
                // Wakes a waiting read; when lines are queued, the flag is seen first.
                let _ = tx.try_send(Input::Interrupt);
                return;
            }
            std::process::exit(130);
        });
    });
}

/// Marks the quiz as running for as long as the guard lives.
pub struct QuizRunning;

impl QuizRunning {
    pub fn start() -> QuizRunning {
        IN_QUIZ.store(true, Ordering::SeqCst);
        QuizRunning
    }
}

impl Drop for QuizRunning {
    fn drop(&mut self) {
        IN_QUIZ.store(false, Ordering::SeqCst);
    }
}

/// Why an interactive quiz stopped before its end with an error.
#[derive(Debug)]
pub enum PromptError {
    Io(std::io::Error),
    /// Stdin is not text.
    Input(std::io::Error),
    Record(HistoryError),
}

impl From<std::io::Error> for PromptError {
    fn from(e: std::io::Error) -> Self {
        PromptError::Io(e)
    }
}

/// A line of an answers file that does not fit its question.
#[derive(Debug)]
pub struct BadAnswerLine {
    pub source: String,
    pub line: usize,
    pub question: String,
    pub text: String,
    pub reason: String,
    pub hint: String,
}

/// When to show each answer's feedback.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ShowFeedback {
    Now,
    Later,
}

/// How the prompt looks and behaves.
pub struct PromptOptions {
    pub theme: Theme,
    pub show: ShowFeedback,
    /// Draw a progress bar before each question (only on a terminal).
    pub progress: bool,
    /// Repeat each line read, for input that is not a terminal.
    pub echo: bool,
    /// Ask how sure the person is after each answer (certainty-based marking).
    pub certainty: bool,
}

/// Runs the quiz at a prompt: questions and feedback to `ui`, answers from `input`.
/// Ends at the last question, on `q`, or when input ends.
pub fn interactive(
    quiz: &mut dyn Session,
    catalog: &Catalog,
    input: &Lines,
    ui: &mut dyn Write,
    opts: &PromptOptions,
    on_answer: &mut OnAnswer,
) -> Result<Ended, PromptError> {
    let PromptOptions {
        theme,
        show,
        progress,
        echo,
        certainty,
    } = opts;
    let (show, progress, echo, ask_certainty) = (*show, *progress, *echo, *certainty);
    while let Some(item) = quiz.current() {
        if progress {
            // Graded questions and self-ratings are counted apart, as their headers say.
            let len = if item.question.kind.is_graded() {
                item.graded_total
            } else {
                item.practice_total
            };
            let pb = indicatif::ProgressBar::new(len as u64);
            pb.set_style(
                indicatif::ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("━━─"),
            );
            ui.flush()?;
            pb.set_position(item.place as u64 - 1);
            pb.abandon();
        }
        write!(ui, "{}", render::question(theme, catalog, &item))?;
        let started = Instant::now();
        let answer = loop {
            let styled = render::prompt_line(theme, &item);
            if !input.edits() {
                write!(ui, "{styled}")?;
            }
            ui.flush()?;
            let line = match input.next_after(&render::prompt_plain(&item), &styled) {
                Input::Line(l) => l,
                Input::End => {
                    writeln!(ui)?;
                    return Ok(Ended::InputEnded);
                }
                Input::Interrupt => {
                    writeln!(ui)?;
                    return Ok(Ended::Interrupted);
                }
                Input::Failed(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Err(PromptError::Input(e));
                }
                Input::Failed(e) => return Err(PromptError::Io(e)),
            };
            let text = line.trim();
            if echo {
                // Input from a pipe is not echoed by a terminal: show it, so a transcript reads well.
                writeln!(ui, "{}", crate::render::clean(text))?;
            }
            match text.to_ascii_lowercase().as_str() {
                "q" | "quit" => return Ok(Ended::Quit),
                "?" | "h" | "help" => {
                    write!(ui, "{}", render::help())?;
                    continue;
                }
                "s" | "skip" => break Answer::Skip,
                "" => {
                    writeln!(
                        ui,
                        "  {}",
                        theme.warn(&skillquiz::hint(item.question, item.order))
                    )?;
                    continue;
                }
                _ => {}
            }
            match parse_answer(item.question, item.order, text) {
                Ok(a) => break a,
                Err(e) => {
                    // The reason quotes what was typed: never echo control bytes.
                    writeln!(
                        ui,
                        "  {} {}",
                        theme.warn(&format!("{}:", render::clean(&e.reason))),
                        render::clean(&e.hint)
                    )?;
                }
            }
        };
        let seconds = started.elapsed().as_secs_f64();
        let certainty = if ask_certainty && item.question.kind.is_graded() && answer != Answer::Skip
        {
            match ask_how_sure(input, ui, theme, echo)? {
                Ok(c) => Some(c),
                Err(ended) => return Ok(ended),
            }
        } else {
            None
        };
        let seq = quiz.answered();
        let response = quiz.answer(answer, seconds, certainty);
        if let Some(r) = &response {
            on_answer(seq, r).map_err(PromptError::Record)?;
        }
        if let (Some(r), ShowFeedback::Now) = (response, show) {
            write!(ui, "{}", render::feedback(theme, catalog, &r))?;
        }
    }
    Ok(Ended::Completed)
}

/// The certainty question: 1, 2 or 3 (Enter = 1, Moodle's default); `Err` when the
/// quiz ends there (q, Ctrl-C, end of input).
fn ask_how_sure(
    input: &Lines,
    ui: &mut dyn Write,
    theme: &Theme,
    echo: bool,
) -> Result<Result<u8, Ended>, PromptError> {
    let plain = "how sure? 1 unsure (<67%), 2 mid (67-80%), 3 quite sure (>80%) [Enter = 1] > ";
    let styled = format!("{} ", theme.accent(plain.trim_end()));
    loop {
        if !input.edits() {
            write!(ui, "{styled}")?;
        }
        ui.flush()?;
        let line = match input.next_after(plain, &styled) {
            Input::Line(l) => l,
            Input::End => return Ok(Err(Ended::InputEnded)),
            Input::Interrupt => {
                writeln!(ui)?;
                return Ok(Err(Ended::Interrupted));
            }
            Input::Failed(e) => return Err(PromptError::Io(e)),
        };
        let text = line.trim();
        if echo {
            writeln!(ui, "{}", render::clean(text))?;
        }
        match text {
            "" | "1" => return Ok(Ok(1)),
            "2" => return Ok(Ok(2)),
            "3" => return Ok(Ok(3)),
            "q" | "quit" => return Ok(Err(Ended::Quit)),
            _ => writeln!(
                ui,
                "  {}",
                theme.warn("type 1, 2 or 3: how sure you are of that answer")
            )?,
        }
    }
}

/// `text` without a trailing certainty ` c1`, ` c2` or ` c3` (any case), and that
/// certainty.
pub fn split_certainty(text: &str) -> (&str, Option<u8>) {
    let t = text.trim_end();
    let lower = t.to_ascii_lowercase();
    for c in 1..=3u8 {
        let suffix = format!(" c{c}");
        if lower.ends_with(&suffix) {
            return (t[..t.len() - suffix.len()].trim_end(), Some(c));
        }
        if lower == format!("c{c}") {
            return ("", Some(c));
        }
    }
    (t, None)
}

/// Runs the quiz from a script's answers, one per line; an empty line or `skip` skips.
/// A line that does not fit its question is an error; running out of lines ends the quiz.
/// With `certainty`, a line may end with ` c1`, ` c2` or ` c3` (how sure; 1 when absent).
pub fn scripted(
    quiz: &mut dyn Session,
    input: &Lines,
    source: &str,
    certainty: bool,
    on_answer: &mut OnAnswer,
) -> Result<Ended, ScriptError> {
    let mut number = 0;
    while let Some(item) = quiz.current() {
        let line = match input.next() {
            Input::Line(l) => l,
            Input::End => return Ok(Ended::InputEnded),
            Input::Interrupt => return Ok(Ended::Interrupted),
            Input::Failed(err) => {
                return Err(ScriptError::Io {
                    source: source.into(),
                    err,
                });
            }
        };
        number += 1;
        let (text, sure) = if certainty {
            split_certainty(line.trim())
        } else {
            (line.trim(), None)
        };
        let answer = if text.is_empty() {
            Answer::Skip
        } else {
            parse_answer(item.question, item.order, text).map_err(|e| {
                ScriptError::Bad(Box::new(BadAnswerLine {
                    source: source.into(),
                    line: number,
                    question: item.question.id.to_string(),
                    text: text.into(),
                    reason: e.reason,
                    hint: e.hint,
                }))
            })?
        };
        let seq = quiz.answered();
        let c = certainty.then(|| sure.unwrap_or(skillquiz::cbm::DEFAULT_CERTAINTY));
        if let Some(r) = quiz.answer(answer, 0.0, c) {
            on_answer(seq, &r).map_err(ScriptError::Record)?;
        }
    }
    Ok(Ended::Completed)
}

#[derive(Debug)]
pub enum ScriptError {
    Bad(Box<BadAnswerLine>),
    Io { source: String, err: std::io::Error },
    Record(HistoryError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn files_are_read_here_and_pipes_on_a_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answers.txt");
        std::fs::write(&path, "a\r\nb\n").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        assert!(reads_never_wait(&file));
        assert!(reads_never_wait(&std::fs::File::open("/dev/null").unwrap()));
        let (pipe, _writer) = std::io::pipe().unwrap();
        assert!(!reads_never_wait(&std::fs::File::from(
            std::os::fd::OwnedFd::from(pipe)
        )));

        // The file's lines, in order, then the end, with no thread started.
        let Ok(lines) = answer_lines(Some(&path), false) else {
            panic!("the answers file opens")
        };
        assert!(matches!(lines.from, LinesFrom::Here(_)));
        assert!(matches!(lines.next(), Input::Line(l) if l == "a\n"));
        assert!(matches!(lines.next(), Input::Line(l) if l == "b\n"));
        assert!(matches!(lines.next(), Input::End));
        assert!(matches!(lines.next(), Input::End));
        assert!(!lines.edits());
    }

    #[test]
    fn a_reader_thread_gives_the_same_lines() {
        let lines = Lines::reader(Box::new(std::io::Cursor::new(b"a\r\nb\n".to_vec())));
        assert!(matches!(lines.next(), Input::Line(l) if l == "a\n"));
        assert!(matches!(lines.next(), Input::Line(l) if l == "b\n"));
        assert!(matches!(lines.next(), Input::End));
    }
}
