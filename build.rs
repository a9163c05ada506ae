//! Embeds the built-in rule packs (every folder of `rules/` with a `pack.toml`: the
//! national pack and the province packs) into the binary, so that `nianbao check
//! --pack fujian` works from any folder with no files around it. Only the `*.toml`
//! files of a pack are embedded; its `tests/` fixtures stay in the repository.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", root.display());

    let mut packs: Vec<String> = fs::read_dir(&root)
        .expect("rules/ must exist")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("pack.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    packs.sort();

    let mut code = String::from(
        "/// The built-in packs: (pack folder name, [(file name, contents)]).\n\
         pub static BUILTIN: &[(&str, &[(&str, &str)])] = &[\n",
    );
    for pack in &packs {
        let dir = root.join(pack);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut names: Vec<String> = fs::read_dir(&dir)
            .expect("a pack folder is readable")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        names.sort();
        writeln!(code, "    ({pack:?}, &[").expect("writing to a String cannot fail");
        for name in &names {
            let path = dir.join(name);
            println!("cargo:rerun-if-changed={}", path.display());
            writeln!(
                code,
                "        ({name:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .expect("writing to a String cannot fail");
        }
        code.push_str("    ]),\n");
    }
    code.push_str("];\n");

    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_pack.rs");
    fs::write(out, code).expect("cannot write embedded_pack.rs");
}
