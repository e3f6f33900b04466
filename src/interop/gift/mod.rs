//! Moodle's GIFT format: import into a RON bank and export from one.
//!
//! The reader follows Moodle's own importer (`question/format/gift/format.php`): questions
//! are separated by lines that are blank to PHP's `trim` (a no-break space is text);
//! lines starting with `//` are comments, where `[id:...]` and `[tag:...]` give the id
//! number and tags; `::title::` names a question; `$CATEGORY:` starts a category (a
//! topic; `//` is a `/` inside a name); `[html]`, `[markdown]`, `[plain]` and `[moodle]`
//! mark a text's format; `\~ \= \# \{ \} \: \\ \n` are escapes. The kind is decided as
//! Moodle decides it: no braces is a description, empty braces an essay, `#` first
//! numerical, any `~` multiple choice, `=` with `->` matching, `T`/`TRUE`/`F`/`FALSE`
//! true/false, anything else short answer. Text after the braces makes a missing-word
//! question: the blank is shown as `_____`.

mod read;
mod write;

pub use read::import_gift;
pub use write::{Exported, export_gift};
