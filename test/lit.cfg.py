import os
import lit.formats

config.name = "blockwatch"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test", ".json"]
config.excludes = ["Inputs", "tools", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.join(config.blockwatch_src_root, "test")

tools = os.path.join(config.test_source_root, "tools")
run = "%s %s" % (config.python, os.path.join(tools, "bw-run.py"))
env = "BW_DRIVER=%s BW_PLUGIN=%s BW_CLANG_TIDY=%s" % (
    config.blockwatch_bin, config.blockwatch_plugin, config.clang_tidy)

# The same test through both front ends: stock clang-tidy with the plugin,
# and the blockwatch driver.
config.substitutions.append(("%tidy", "env %s %s tidy" % (env, run)))
config.substitutions.append(("%bw-text", "env %s %s driver" % (env, run)))
config.substitutions.append(("%blockwatch", config.blockwatch_bin))
config.substitutions.append(("%plugin", config.blockwatch_plugin))
config.substitutions.append(("%unittests", config.blockwatch_unittests))
config.substitutions.append(("%clang-tidy", config.clang_tidy))
config.substitutions.append(("%check-sarif", os.path.join(
    os.path.dirname(config.blockwatch_src_root), "shared", "tools", "check-sarif")))
config.substitutions.append(("%mocks", os.path.join(config.test_source_root, "Inputs", "Headers")))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%srcroot", config.blockwatch_src_root))
config.substitutions.append(("FileCheck", config.filecheck))
config.substitutions.append(("split-file", config.split_file))

config.environment["HOME"] = os.environ.get("HOME", "/tmp")
