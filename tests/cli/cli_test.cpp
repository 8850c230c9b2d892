// The keraspp command-line tool, run as a user would: output, files written and exit status.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "callbacks/callback_test_support.hpp"
#include "keras/keras.hpp"
#include "saving/h5_store.hpp"
#include "saving/legacy_h5.hpp"

using namespace keras;
using namespace keras::kw;
using keras::test_support::ScratchDir;

namespace {

struct CliRun {
  int status = -1;
  std::string output;  // stdout and stderr
};

CliRun run_cli(const std::string& args) {
#ifdef KERASPP_CLI
  CliRun r;
  const std::string cmd = std::string("'") + KERASPP_CLI + "' " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
#else
  (void)args;
  return {};
#endif
}

#ifdef KERASPP_CLI
#define REQUIRE_CLI()
#else
#define REQUIRE_CLI() GTEST_SKIP() << "the keraspp tool is not built (KERASPP_BUILD_CLI=OFF)"
#endif

Sequential mnist_like() {
  return Sequential({Input(shape = {28, 28}), layers::Flatten(), layers::Dense(16, activation = "relu"),
                     layers::Dense(10, activation = "softmax")},
                    name = "mnist_mlp");
}

}  // namespace

TEST(Cli, HelpOnEverySubcommand) {
  REQUIRE_CLI();
  CliRun top = run_cli("--help");
  EXPECT_EQ(top.status, 0);
  for (const char* sub : {"summary", "predict", "check", "convert"}) {
    EXPECT_NE(top.output.find(sub), std::string::npos) << top.output;
    CliRun r = run_cli(std::string(sub) + " --help");
    EXPECT_EQ(r.status, 0) << sub;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << r.output;
  }
  EXPECT_NE(run_cli("").status, 0);  // a subcommand is required
}

TEST(Cli, SummaryPrintsTheKerasTable) {
  REQUIRE_CLI();
  ScratchDir dir;
  Sequential model = mnist_like();
  model.save(dir / "m.keras");
  CliRun r = run_cli("summary '" + (dir / "m.keras") + "'");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, saving::load_model(dir / "m.keras").summary_string());
  CliRun missing = run_cli("summary '" + (dir / "nothing.keras") + "'");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("File not found"), std::string::npos) << missing.output;
}

TEST(Cli, PredictWritesNpy) {
  REQUIRE_CLI();
  ScratchDir dir;
  Sequential model = mnist_like();
  model.save(dir / "m.keras");
  Tensor x = random::uniform({5, 28, 28});
  numpy::save(dir / "x.npy", x);
  CliRun r = run_cli("predict '" + (dir / "m.keras") + "' '" + (dir / "x.npy") + "' -o '" + (dir / "y.npy") + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  Tensor y = numpy::load(dir / "y.npy");
  EXPECT_EQ(max_abs_diff(y, model.predict(x, verbose = 0)), 0.0f);
  // Data that does not fit: Keras's message and the hint, exit status 1.
  numpy::save(dir / "bad.npy", random::uniform({5, 28, 27}));
  CliRun bad = run_cli("predict '" + (dir / "m.keras") + "' '" + (dir / "bad.npy") + "'");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("is incompatible with the layer"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("Hint:"), std::string::npos) << bad.output;
}

TEST(Cli, CheckSaysWhetherDataFits) {
  REQUIRE_CLI();
  ScratchDir dir;
  mnist_like().save(dir / "m.keras");
  CliRun ok = run_cli("check '" + (dir / "m.keras") + "' --input-shape 100,28,28");
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("OK: data of shape (100, 28, 28) fits model 'mnist_mlp'; output shape (100, 10)"),
            std::string::npos)
      << ok.output;
  CliRun bad = run_cli("check '" + (dir / "m.keras") + "' --input-shape 100,784");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("incompatible shape (100, 784)"), std::string::npos)
      << bad.output;
  EXPECT_NE(bad.output.find("Hint:"), std::string::npos) << bad.output;
  CliRun junk = run_cli("check '" + (dir / "m.keras") + "' --input-shape 100,abc");
  EXPECT_EQ(junk.status, 1);
  EXPECT_NE(junk.output.find("'abc' is not a size"), std::string::npos) << junk.output;
}

TEST(Cli, ConvertBetweenFormats) {
  REQUIRE_CLI();
  ScratchDir dir;
  Sequential model = mnist_like();
  model.save(dir / "m.keras");
  const Tensor x = random::uniform({3, 28, 28});
  ASSERT_EQ(run_cli("convert '" + (dir / "m.keras") + "' '" + (dir / "m.h5") + "'").status, 0);
  ASSERT_EQ(run_cli("convert '" + (dir / "m.h5") + "' '" + (dir / "back.keras") + "'").status, 0);
  ASSERT_EQ(run_cli("convert '" + (dir / "m.keras") + "' '" + (dir / "m.json") + "'").status, 0);
  ASSERT_EQ(run_cli("convert '" + (dir / "m.keras") + "' '" + (dir / "m.weights.h5") + "'").status, 0);
  Model back = saving::load_model(dir / "back.keras");
  EXPECT_EQ(max_abs_diff(back.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  Model from_json = models::model_from_json(keras::test_support::read_text(dir / "m.json"));
  from_json.load_weights(dir / "m.weights.h5");
  EXPECT_EQ(max_abs_diff(from_json.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
  CliRun bad = run_cli("convert '" + (dir / "m.keras") + "' '" + (dir / "m.txt") + "'");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("Invalid filepath extension for saving"), std::string::npos) << bad.output;
}

TEST(Cli, ConvertKeepsTheTrainingStateItCan) {
  REQUIRE_CLI();
  ScratchDir dir;
  Sequential model = mnist_like();
  model.compile(optimizer = "adam", loss = "sparse_categorical_crossentropy");
  model.save(dir / "c.h5");
  ASSERT_EQ(run_cli("convert '" + (dir / "c.h5") + "' '" + (dir / "c.keras") + "'").status, 0);
  EXPECT_TRUE(saving::load_model(dir / "c.keras").compiled());
  // A training_config keraspp cannot compile (sample_weight_mode): the model converts without it, saying so.
  saving::detail::H5Writer w;
  saving::detail::write_legacy_model(w, model.graph(), model.to_json(), "2.4.0");
  w.write_string_attr("", "training_config", R"({"loss": "mse", "sample_weight_mode": "temporal",
      "optimizer_config": {"class_name": "Adam", "config": {"lr": 0.001}}})");
  {
    std::ofstream f(dir / "odd.h5", std::ios::binary);
    f << w.image();
  }
  CliRun run = run_cli("convert '" + (dir / "odd.h5") + "' '" + (dir / "odd.keras") + "'");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("converting the model without its training state: keraspp does not support "
                            "sample_weight_mode=\"temporal\""),
            std::string::npos)
      << run.output;
  Model back = saving::load_model(dir / "odd.keras");
  EXPECT_FALSE(back.compiled());
  const Tensor x = random::uniform({2, 28, 28});
  EXPECT_EQ(max_abs_diff(back.predict(x, verbose = 0), model.predict(x, verbose = 0)), 0.0f);
}
