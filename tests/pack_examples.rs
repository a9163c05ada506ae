//! The built-in packs' `examples` and `counterexamples`: a normal start does not check
//! them (they cannot change after the build), so this test does, for every built-in
//! pack. A pack on disk is still checked whenever it loads.

use nianbao::Pack;

#[test]
fn every_builtin_pack_recognises_its_examples() {
    let names = nianbao::pack::builtin_names();
    assert!(names.contains(&"national"), "the national pack is built in");
    for name in names {
        if let Err(e) = Pack::builtin_with_examples(name) {
            panic!("built-in pack {name}: {e:?}");
        }
    }
}

/// The check is really done for packs on disk: a pack whose example is not
/// recognised does not load.
#[test]
fn a_pack_on_disk_is_checked_when_it_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("pack.toml"),
        "[pack]\nname = \"t\"\nextends = \"national\"\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("rules.toml"),
        r#"[[pattern]]
id = "E901"
severity = "warning"
summary = "测试"
description = "测试"
example = "甲乙"
patterns = ["甲乙"]
message = "有「{hit}」"
examples = ["丙丁"]
"#,
    )
    .expect("write");
    let err = match Pack::from_dir(dir.path()) {
        Ok(_) => panic!("a pack whose example is not recognised must not load"),
        Err(e) => e,
    };
    assert!(
        format!("{err:?}").contains("示例没有被此规则识别"),
        "{err:?}"
    );
    // Without the broken example it loads.
    std::fs::write(
        dir.path().join("rules.toml"),
        r#"[[pattern]]
id = "E901"
severity = "warning"
summary = "测试"
description = "测试"
example = "甲乙"
patterns = ["甲乙"]
message = "有「{hit}」"
examples = ["甲乙"]
"#,
    )
    .expect("write");
    assert!(Pack::from_dir(dir.path()).is_ok());
}
