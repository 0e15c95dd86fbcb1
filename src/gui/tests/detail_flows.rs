//! placeholder

#[allow(unused_imports)]
use super::{app_with_a_card, click, lang_lock, shows};
