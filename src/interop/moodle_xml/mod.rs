//! Moodle XML, Moodle's most complete question format: import into a RON bank and
//! export from one.
//!
//! The reader follows Moodle's importer (`question/format/xml/format.php`): a `<quiz>`
//! of `<question type="...">` elements; `type="category"` starts a category (its
//! `<idnumber>`, when it is a topic id of the area, is used as the topic id); every other
//! question has `<name>`, `<questiontext format="...">`, `<generalfeedback>`,
//! `<idnumber>`, `<tags>` and `<answer fraction="...">` elements. Text in `html` and
//! `moodle_auto_format` is made plain (a final `<pre>` becomes the code block); images
//! become a visible `[image: NAME]` and a note. The writer gives what that importer reads
//! with its default settings: every fraction from Moodle's list of grades.

mod read;
mod write;

pub use read::import_moodle_xml;
pub use write::{MoodleXmlExport, export_moodle_xml};
