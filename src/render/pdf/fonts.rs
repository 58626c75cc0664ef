//! The type faces of the PDF bulletin: the four roles of an official document (小标宋,
//! 仿宋, 黑体, 楷体), each either a font the user points to in `tongbao.toml` or one built
//! into the binary, plus the chain of built-in faces that draws what a role's face lacks.
//!
//! The built-in faces (assets/fonts, SIL OFL 1.1) are compiled in with `include_bytes!`, so
//! rendering never reads or fetches anything at run time:
//! - Noto Serif SC Regular, every character the family has (~31 000): body text and the
//!   fallback for every other role;
//! - Noto Serif SC Bold, GB 2312 and common symbols: title and red header (小标宋);
//! - Noto Sans SC Medium, GB 2312 and common symbols: 一、 headings, table headers (黑体);
//! - Tongbao Kai (LXGW WenKai reduced to GB 2312 and renamed): （一） headings (楷体).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use printpdf::ParsedFont;

use super::blocks::FontRole;
use super::layout::{FaceId, Metrics, Resolved};
use super::PdfError;

const SERIF_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSerifSC-Regular.ttf");
const SERIF_BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSerifSC-Bold-GB2312.ttf");
const SANS_MEDIUM: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Medium-GB2312.ttf");
const KAI_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/TongbaoKai-Regular.ttf");

/// Drawn in place of a character no face has: the geta mark, the typesetter's traditional
/// stand-in for a missing character in Chinese and Japanese print.
pub const PLACEHOLDER: char = '〓';

/// All four roles, in the order [`role_index`] numbers them.
pub const ROLES: [FontRole; 4] = [
    FontRole::Title,
    FontRole::Body,
    FontRole::Heading,
    FontRole::Kai,
];

/// A position in arrays indexed by role.
pub fn role_index(role: FontRole) -> usize {
    match role {
        FontRole::Title => 0,
        FontRole::Body => 1,
        FontRole::Heading => 2,
        FontRole::Kai => 3,
    }
}

/// The role as a user reads it in a message: its `tongbao.toml` key and the typeface of
/// the standard.
pub fn role_name(role: FontRole, lang: crate::lang::Lang) -> &'static str {
    use crate::lang::Lang::{En, Zh};
    match (role, lang) {
        (FontRole::Title, Zh) => "title（小标宋）",
        (FontRole::Title, En) => "title (XiaoBiaoSong)",
        (FontRole::Body, Zh) => "body（仿宋）",
        (FontRole::Body, En) => "body (FangSong)",
        (FontRole::Heading, Zh) => "heading（黑体）",
        (FontRole::Heading, En) => "heading (HeiTi)",
        (FontRole::Kai, Zh) => "kai（楷体）",
        (FontRole::Kai, En) => "kai (KaiTi)",
    }
}

/// One loaded face.
pub(crate) struct Face {
    /// How the face is named in reports: the family for a built-in face, the path for a
    /// configured one.
    pub name: String,
    pub font: ParsedFont,
    units_per_em: f32,
    /// The glyph of each Basic Multilingual Plane character, looked up once: the cmap
    /// look-up is a search, and a national bulletin shapes tens of millions of characters.
    bmp_glyphs: GlyphCache,
}

/// Per character of the BMP: 0 not looked up yet, 1 no glyph, `g + 2` glyph `g`. Atomic
/// so that a face can be shared between threads; two threads filling one entry write the
/// same value.
struct GlyphCache(Box<[AtomicU32]>);

impl GlyphCache {
    fn new() -> GlyphCache {
        GlyphCache(
            (0..=u32::from(u16::MAX))
                .map(|_| AtomicU32::new(0))
                .collect(),
        )
    }

    fn get(&self, ch: char, look_up: impl FnOnce() -> Option<u16>) -> Option<u16> {
        let Some(entry) = self.0.get(ch as usize) else {
            return look_up();
        };
        match entry.load(Ordering::Relaxed) {
            0 => {
                let glyph = look_up();
                entry.store(glyph.map_or(1, |g| u32::from(g) + 2), Ordering::Relaxed);
                glyph
            }
            1 => None,
            g => u16::try_from(g - 2).ok(),
        }
    }
}

impl Face {
    /// Parses the face at `index` of `bytes`, which it keeps (they are the font program
    /// the PDF embeds a subset of).
    ///
    /// Through azul-layout's `from_bytes_shared`, not printpdf's `ParsedFont::from_bytes`:
    /// that one copies the whole file twice (once to keep, once into its glyph outlines,
    /// read eagerly) where this keeps the bytes given and reads the outlines only if
    /// something draws them (nothing here does: the PDF embeds glyphs by their index).
    /// For the four built-in faces (24 MB) that was 60 ms of CPU time of every `build`,
    /// mostly page faults on the copies (BENCHMARKS.md, issue 13).
    fn parse(name: String, bytes: Arc<[u8]>, index: u32) -> Option<Face> {
        let mut warnings = Vec::new();
        let shared = Arc::new(rust_fontconfig::FontBytes::Owned(bytes));
        let inner = printpdf::AzulParsedFont::from_bytes_shared(
            shared,
            usize::try_from(index).ok()?,
            &mut warnings,
        )?;
        let font = ParsedFont::from_azul(inner);
        if !font.has_source_bytes() {
            return None;
        }
        let upm = f32::from(font.font_metrics.units_per_em);
        // A face that maps no ordinary character is not a text font we can use.
        font.lookup_glyph_index(u32::from('0'))
            .filter(|&g| g != 0)?;
        Some(Face {
            name,
            font,
            units_per_em: if upm > 0.0 { upm } else { 1000.0 },
            bmp_glyphs: GlyphCache::new(),
        })
    }

    fn builtin(name: &str, bytes: &'static [u8]) -> Face {
        match Face::parse(format!("{name}（内置 / built-in）"), Arc::from(bytes), 0) {
            Some(face) => face,
            // The bytes are part of the binary and covered by tests: failing here is a
            // build defect, not a user error.
            None => panic!("built-in font {name} does not parse"),
        }
    }

    /// The glyph drawing `ch`, if the face has one (glyph 0 is .notdef, the box).
    pub(crate) fn glyph(&self, ch: char) -> Option<u16> {
        self.bmp_glyphs.get(ch, || {
            self.font
                .lookup_glyph_index(u32::from(ch))
                .filter(|&g| g != 0)
        })
    }

    /// Advance width of `ch` in em; 0.5 em for a character the face lacks.
    pub(crate) fn advance_em(&self, ch: char) -> f32 {
        match self.glyph(ch) {
            Some(g) => f32::from(self.font.get_horizontal_advance(g)) / self.units_per_em,
            None => 0.5,
        }
    }
}

/// The faces of one document: a face per [`FontRole`] and the fallback chain.
pub struct FontSet {
    pub(crate) faces: Vec<Face>,
    /// Face of each role, by [`role_index`].
    roles: [usize; 4],
    /// Faces tried, in order, for a character the role's face lacks.
    fallbacks: Vec<usize>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field(
                "faces",
                &self
                    .faces
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("roles", &self.roles)
            .field("fallbacks", &self.fallbacks)
            .finish()
    }
}

impl FontSet {
    /// The fonts built into tongbao (Noto Serif SC, Noto Sans SC, Tongbao Kai).
    pub fn builtin() -> FontSet {
        FontSet::with_configured([None, None, None, None])
    }

    /// The fonts of a workspace: each configured role from its file (`path` relative to
    /// `base_dir`, the config's folder), the others built in.
    ///
    /// A configured file that is missing, unreadable or not a font (TTF, OTF, or a face of
    /// a TTC collection) is an error naming the role and the path.
    pub fn from_config(fonts: &crate::config::Fonts, base_dir: &Path) -> Result<FontSet, PdfError> {
        let configured = [&fonts.title, &fonts.body, &fonts.heading, &fonts.kai];
        let mut loaded: [Option<Face>; 4] = [None, None, None, None];
        for (i, entry) in configured.iter().enumerate() {
            let Some(face) = entry else { continue };
            let role = ROLES[i];
            let path: PathBuf = if face.path.is_relative() {
                base_dir.join(&face.path)
            } else {
                face.path.clone()
            };
            let bytes = std::fs::read(&path).map_err(|source| PdfError::FontFile {
                role,
                path: path.clone(),
                source,
            })?;
            let parsed = Face::parse(path.display().to_string(), Arc::from(bytes), face.face)
                .ok_or_else(|| PdfError::FontParse {
                    role,
                    path: path.clone(),
                    face: face.face,
                })?;
            loaded[i] = Some(parsed);
        }
        Ok(FontSet::with_configured(loaded))
    }

    /// Builds the set from configured faces, filling the gaps with built-in ones. The
    /// built-in body face is always loaded: it is the fallback of every role.
    fn with_configured(configured: [Option<Face>; 4]) -> FontSet {
        let mut faces = Vec::new();
        let mut roles = [0usize; 4];
        let [title, body, heading, kai] = configured;
        let mut push = |face: Face| {
            faces.push(face);
            faces.len() - 1
        };
        let builtin_body = push(Face::builtin("Noto Serif SC", SERIF_REGULAR));
        roles[role_index(FontRole::Body)] = match body {
            Some(face) => push(face),
            None => builtin_body,
        };
        roles[role_index(FontRole::Title)] = match title {
            Some(face) => push(face),
            None => push(Face::builtin("Noto Serif SC Bold", SERIF_BOLD)),
        };
        roles[role_index(FontRole::Heading)] = match heading {
            Some(face) => push(face),
            None => push(Face::builtin("Noto Sans SC Medium", SANS_MEDIUM)),
        };
        roles[role_index(FontRole::Kai)] = match kai {
            Some(face) => push(face),
            None => push(Face::builtin("Tongbao Kai", KAI_REGULAR)),
        };
        FontSet {
            faces,
            roles,
            fallbacks: vec![builtin_body],
        }
    }

    pub(crate) fn face(&self, id: FaceId) -> &Face {
        &self.faces[id.0]
    }

    /// The name of the face drawing each role, for reports and tests.
    pub fn face_name(&self, role: FontRole) -> &str {
        &self.faces[self.roles[role_index(role)]].name
    }
}

impl Metrics for FontSet {
    fn resolve(&self, role: FontRole, ch: char) -> Resolved {
        let primary = self.roles[role_index(role)];
        if self.faces[primary].glyph(ch).is_some() {
            return Resolved::Primary(FaceId(primary));
        }
        for &f in &self.fallbacks {
            if f != primary && self.faces[f].glyph(ch).is_some() {
                return Resolved::Fallback(FaceId(f));
            }
        }
        Resolved::Missing
    }

    fn placeholder(&self, role: FontRole) -> (FaceId, char) {
        let primary = self.roles[role_index(role)];
        if self.faces[primary].glyph(PLACEHOLDER).is_some() {
            return (FaceId(primary), PLACEHOLDER);
        }
        for &f in &self.fallbacks {
            if self.faces[f].glyph(PLACEHOLDER).is_some() {
                return (FaceId(f), PLACEHOLDER);
            }
        }
        (FaceId(primary), '?')
    }

    fn advance(&self, face: FaceId, ch: char) -> f32 {
        self.faces[face.0].advance_em(ch)
    }

    fn face_name(&self, face: FaceId) -> &str {
        &self.faces[face.0].name
    }
}
