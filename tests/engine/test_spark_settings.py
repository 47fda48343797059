"""`spark_settings`: a TOML file's [spark] table with the command line over it, over
schemeops' defaults; bad input refused with what to write."""

import pytest

from schemeops.engine.backends.spark import SparkSettings, spark_settings
from schemeops.errors import UsageError


def test_defaults_are_local_mode_with_exact_decimals():
    s = spark_settings()
    assert s == SparkSettings(master="local[2]", conf={})
    conf = s.session_conf()
    assert conf["spark.sql.decimalOperations.allowPrecisionLoss"] == "false"
    assert conf["spark.sql.session.timeZone"] == "UTC"


def test_the_command_line_wins_over_the_file_which_wins_over_the_defaults(tmp_path):
    toml = tmp_path / "cluster.toml"
    toml.write_text('[spark]\nmaster = "spark://head:7077"\n[spark.conf]\n'
                    '"spark.executor.memory" = "8g"\n"spark.sql.shuffle.partitions" = 64\n')
    s = spark_settings(config=toml, conf=["spark.executor.memory = 2g",
                                          "spark.executor.cores=4"])
    assert s.master == "spark://head:7077"
    assert s.conf == {"spark.executor.memory": "2g", "spark.sql.shuffle.partitions": "64",
                      "spark.executor.cores": "4"}
    assert s.session_conf()["spark.sql.shuffle.partitions"] == "64"  # over the default 4
    assert spark_settings(config=toml, master="yarn").master == "yarn"


@pytest.mark.parametrize(("text", "match"), [
    ("[spark\n", "cannot read the Spark config"),
    ('[spark]\nconf = "x"\n', r"\[spark.conf\] table"),
])
def test_a_bad_file_is_refused(tmp_path, text, match):
    toml = tmp_path / "bad.toml"
    toml.write_text(text)
    with pytest.raises(UsageError, match=match):
        spark_settings(config=toml)


def test_a_setting_without_equals_is_refused():
    with pytest.raises(UsageError, match="write KEY=VALUE"):
        spark_settings(conf=["spark.executor.memory"])
