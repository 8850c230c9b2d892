// keraspp: Keras model files from the shell.
//   keraspp summary MODEL
//   keraspp predict MODEL INPUT.npy [-o OUT.npy]
//   keraspp check MODEL --input-shape 100,28,28
//   keraspp convert IN OUT
// MODEL is a .keras archive, a legacy .h5 model or a JSON config (to_json / model_from_json; no weights).
// Exit status: 0 on success (check: the data fits), 1 when keraspp reports an error (check: it does not fit),
// CLI11's codes for command-line mistakes.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "keras/keras.hpp"

namespace {

using namespace keras;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Model load_any(const std::string& path) {
  if (ends_with(path, ".json")) {
    std::ifstream in(path);
    if (!in) throw ValueError("Cannot read " + path + ".", {.received = path, .hint = "check the path."});
    std::ostringstream text;
    text << in.rdbuf();
    return models::model_from_json(text.str());
  }
  if (ends_with(path, ".weights.h5"))
    throw ValueError(path + " holds weights only, no model architecture.",
                     {.received = path, .hint = "pass the .keras or .h5 file saved with model.save(), or a JSON "
                                                "config written by model.to_json()."});
  return saving::load_model(path, /*compile=*/false);
}

void report(const std::exception& e) {
  std::cerr << "Error: " << e.what() << "\n";
  if (const auto* v = dynamic_cast<const ValueError*>(&e); v && !v->hint().empty() &&
                                                           std::string(e.what()).find(v->hint()) == std::string::npos)
    std::cerr << "Hint: " << v->hint() << "\n";
}

// "100,28,28" or "100x28x28" -> Shape; "None"/"?" for an unknown size.
Shape parse_shape(const std::string& text) {
  std::vector<Dim> dims;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, text.find('x') != std::string::npos ? 'x' : ',')) {
    if (item == "None" || item == "?" || item == "null") {
      dims.emplace_back(keras::None);
      continue;
    }
    size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
    }
    if (used != item.size() || v < 0)
      throw ValueError("Invalid --input-shape '" + text + "': '" + item + "' is not a size.",
                       {.received = text, .hint = "write the data's shape with the batch size first, e.g. 100,28,28."});
    dims.emplace_back(v);
  }
  if (dims.empty()) throw ValueError("Invalid --input-shape '" + text + "'.", {.received = text});
  return Shape(std::move(dims));
}

int cmd_summary(const std::string& path) {
  load_any(path).summary(std::cout);
  return 0;
}

int cmd_predict(const std::string& path, const std::string& input, const std::string& output, int batch_size) {
  Model model = load_any(path);
  Data x;
  if (ends_with(input, ".npz")) {
    std::vector<Tensor> arrays;
    for (auto& [name, t] : numpy::load_npz(input)) arrays.push_back(t);  // arr_0, arr_1, ...: savez's order
    x = Data(arrays);
  } else {
    x = Data(numpy::load(input));
  }
  Prediction p = model.predict(x, kw::batch_size = batch_size, kw::verbose = 0);
  if (output.empty()) {
    for (size_t i = 0; i < p.num_outputs(); ++i) std::cout << p.outputs()[i] << "\n";
    return 0;
  }
  if (ends_with(output, ".npz")) {
    std::map<std::string, Tensor> arrays;
    for (size_t i = 0; i < p.num_outputs(); ++i) arrays["arr_" + std::to_string(i)] = p.outputs()[i];
    numpy::savez(output, arrays);
  } else {
    if (p.num_outputs() != 1)
      throw ValueError("The model has " + std::to_string(p.num_outputs()) + " outputs; a .npy file holds one array.",
                       {.received = output, .hint = "name the output file .npz to get one array per output."});
    numpy::save(output, p.outputs()[0]);
  }
  return 0;
}

int cmd_check(const std::string& path, const std::vector<std::string>& shapes) {
  Model model = load_any(path);
  std::vector<Shape> given;
  for (const auto& s : shapes) given.push_back(parse_shape(s));
  FunctionalImpl& g = model.graph();
  if (given.size() != g.inputs().size())
    throw ValueError("The model expects " + std::to_string(g.inputs().size()) + " input(s), but " +
                         std::to_string(given.size()) + " --input-shape were given.",
                     {.expected = std::to_string(g.inputs().size()), .received = std::to_string(given.size()),
                      .hint = "give --input-shape once per model input, in the model's input order."});
  // The same check fit/predict make before any computation; nothing is allocated for the data.
  g.check_input_compatibility(given, {});
  std::vector<Shape> out = g.compute_output_shapes(given);
  std::cout << "OK: data of shape";
  for (const auto& s : given) std::cout << " " << to_string(s);
  std::cout << " fits model '" << model.name() << "'; output shape";
  for (const auto& s : out) std::cout << " " << to_string(s);
  std::cout << "\n";
  return 0;
}

// The model with its training state (compile settings, optimizer state) when keraspp can compile it; otherwise the
// model alone, saying so (a file that cannot be read at all fails the second load as well).
Model load_for_convert(const std::string& in) {
  if (ends_with(in, ".json") || ends_with(in, ".weights.h5")) return load_any(in);
  try {
    return saving::load_model(in);
  } catch (const ValueError& e) {
    Model model = saving::load_model(in, /*compile=*/false);
    std::cerr << "Warning: converting the model without its training state: " << e.message() << "\n";
    return model;
  }
}

int cmd_convert(const std::string& in, const std::string& out) {
  Model model = load_for_convert(in);
  if (ends_with(out, ".json")) {
    std::ofstream f(out, std::ios::trunc);
    f << model.to_json();
    if (!f) throw ValueError("Cannot write " + out + ".", {.received = out});
  } else if (ends_with(out, ".weights.h5")) {
    model.save_weights(out);
  } else {
    model.save(out);  // .keras or legacy .h5 (its suffix checks and messages are Keras's)
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"keraspp: inspect, run, check and convert Keras model files (.keras, .h5, JSON configs)."};
  app.require_subcommand(1);
  std::string model_path, input, output, target;
  std::vector<std::string> shapes;
  int batch_size = 32;

  auto* summary = app.add_subcommand("summary", "Print the model's summary table, as Keras's model.summary().");
  summary->add_option("MODEL", model_path, "a .keras, .h5 or .json model file")->required();

  auto* predict = app.add_subcommand("predict", "Run the model on an array from a .npy (or .npz) file.");
  predict->add_option("MODEL", model_path, "a .keras or .h5 model file")->required();
  predict->add_option("INPUT", input, "the input array (.npy; .npz for several inputs)")->required();
  predict->add_option("-o,--output", output, "write the predictions here (.npy; .npz for several outputs) instead of "
                                             "printing them");
  predict->add_option("--batch-size", batch_size, "samples per batch")->check(CLI::PositiveNumber);

  auto* check = app.add_subcommand("check", "Check whether data of a shape fits the model (exit status 0 if so).");
  check->add_option("MODEL", model_path, "a .keras, .h5 or .json model file")->required();
  check->add_option("--input-shape", shapes, "the data's shape, batch first (e.g. 100,28,28); once per input")
      ->required();

  auto* convert = app.add_subcommand("convert", "Convert between .keras, legacy .h5, .weights.h5 and .json.");
  convert->add_option("IN", model_path, "a .keras, .h5 or .json model file")->required();
  convert->add_option("OUT", target, "the file to write: .keras, .h5, .weights.h5 or .json")->required();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*summary) return cmd_summary(model_path);
    if (*predict) return cmd_predict(model_path, input, output, batch_size);
    if (*check) return cmd_check(model_path, shapes);
    if (*convert) return cmd_convert(model_path, target);
  } catch (const std::exception& e) {
    report(e);
    return 1;
  }
  return 0;
}
