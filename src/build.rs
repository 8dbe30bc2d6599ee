//! Links the page's module with its relocations kept (`--emit-relocs`): scripts/split.mjs cuts it
//! into chunks and reads them to do so. Only that binary, and only for the browser: the workers'
//! modules and the test modules are linked as usual.

fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=pocket-crm=--emit-relocs");
    }
}
