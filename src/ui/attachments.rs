//! Files attached to a deal's activities or a customer's communications: reading the picked
//! files (size checked before reading), storing them with the entry they belong to, and showing
//! them (photos as thumbnails, other files as downloads) through object URLs released when the
//! page closes.

use leptos::prelude::*;
use uuid::Uuid;

use crate::domain::EntryId;
use crate::i18n::Lang;
use crate::store::files;
use crate::ui::state::use_app;

/// A stored file shown on the page, through an object URL released when the page closes.
#[derive(Clone, Debug, PartialEq)]
pub struct Attached {
    /// The activity or communication it belongs to.
    entry: EntryId,
    info: files::FileInfo,
    url: String,
}

impl Attached {
    fn new(entry: EntryId, info: files::FileInfo, bytes: &[u8]) -> Attached {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&info.mime);
        let url = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .ok()
            .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob).ok())
            .unwrap_or_default();
        Attached { entry, info, url }
    }

    fn release(&self) {
        let _ = web_sys::Url::revoke_object_url(&self.url);
    }

    /// A thumbnail for a photo, a download link for anything else; both with name and size.
    fn view(&self) -> impl IntoView {
        let label = format!("{} ({})", self.info.name, size_text(self.info.size));
        let image = self
            .info
            .is_image()
            .then(|| view! { <img src=self.url.clone() alt=self.info.name.clone() loading="lazy" /> });
        view! {
            <a class="attachment" href=self.url.clone() download=self.info.name.clone() title=self.info.name.clone() data-testid="attachment">
                {image}
                <span>{label}</span>
            </a>
        }
    }
}

fn list_release(list: Vec<Attached>) {
    list.iter().for_each(Attached::release);
}

/// `340 KB`, `2.4 MB`.
pub(crate) fn size_text(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = bytes * 10 / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// The files stored for `owner` (a deal or a customer), read again after each write of files;
/// a problem reading them is put in `error`.
pub fn use_attached(owner: Uuid, error: RwSignal<Option<String>>) -> RwSignal<Vec<Attached>> {
    let state = use_app();
    let attached = RwSignal::new(Vec::<Attached>::new());
    Effect::new(move |_| {
        state.files_written.track();
        leptos::task::spawn_local(async move {
            let loaded = state.load_files(&files::owner_prefix(owner)).await;
            let lang = state.lang.get_untracked();
            let mut problem = None;
            let list = match loaded {
                Ok(values) => values
                    .iter()
                    .filter_map(|(key, body)| match files::decode(key, body) {
                        Ok((entry, info, bytes)) => Some(Attached::new(entry, info, &bytes)),
                        Err(e) => {
                            problem = Some(lang.store_error(&e));
                            None
                        }
                    })
                    .collect(),
                Err(e) => {
                    problem = Some(lang.store_error(&e));
                    Vec::new()
                }
            };
            if let Some(reason) = problem {
                let _ = error.try_set(Some(lang.files_unreadable(&reason)));
            }
            // The page may have closed meanwhile: then the new links are let go at once.
            let mut fresh = Some(list);
            match attached.try_update(|a| std::mem::replace(a, fresh.take().unwrap_or_default())) {
                Some(old) => list_release(old),
                None => list_release(fresh.unwrap_or_default()),
            }
        });
    });
    on_cleanup(move || attached.try_update_untracked(|a| a.drain(..).for_each(|f| f.release())).unwrap_or_default());
    attached
}

/// The files picked in `picker`, or why one of them cannot be attached (before reading any).
pub fn picked(picker: NodeRef<leptos::html::Input>, lang: Lang) -> Result<Vec<web_sys::File>, String> {
    let picked: Vec<web_sys::File> = picker
        .try_get_untracked()
        .flatten()
        .and_then(|input| input.files())
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    for file in &picked {
        let problem = match files::check(file.size() as usize) {
            Ok(()) => continue,
            Err(files::FileProblem::TooLarge) => lang.file_too_large(&file.name()),
            Err(files::FileProblem::Empty) => lang.file_empty(&file.name()),
        };
        return Err(problem);
    }
    Ok(picked)
}

/// The stored values (key, bytes) of the picked files, for entry `entry` of `owner`.
pub async fn stored(
    picked: Vec<web_sys::File>,
    owner: Uuid,
    entry: EntryId,
    by: &str,
    lang: Lang,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut puts = Vec::with_capacity(picked.len());
    for file in picked {
        let Ok(bytes) = crate::ui::jobs::read_file(&file).await else {
            return Err(lang.file_unreadable(&file.name()));
        };
        let info = files::FileInfo {
            id: Uuid::new_v4(),
            name: file.name(),
            mime: file.type_(),
            added_at: crate::ui::clock::now(),
            by: by.to_owned(),
            size: 0,
        };
        puts.push((files::key(owner, entry, info.id), files::encode(&info, &bytes)));
    }
    Ok(puts)
}

/// Empties the picker after a save (if the form is still there: a saved entry usually
/// rebuilds it).
pub fn clear(picker: NodeRef<leptos::html::Input>) {
    if let Some(input) = picker.try_get_untracked().flatten() {
        input.set_value("");
    }
}

/// The files of entry `entry`.
pub fn shown(attached: RwSignal<Vec<Attached>>, entry: EntryId) -> impl IntoView {
    view! {
        <span class="attachments" data-testid="attachments">
            {move || attached.with(|list| list.iter().filter(|f| f.entry == entry).map(Attached::view).collect_view())}
        </span>
    }
}
