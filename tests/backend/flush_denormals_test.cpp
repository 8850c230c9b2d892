// fit, evaluate and predict run with denormals flushed to zero (as TensorFlow runs every op), on every OpenMP
// thread, and leave the caller's floating-point settings as they found them.
#include <gtest/gtest.h>
#include <omp.h>

#include "backend/flush_denormals.hpp"
#include "keras/keras.hpp"

using namespace keras;
using namespace keras::kw;

namespace {

#if defined(__x86_64__) || defined(__i386__)
constexpr bool kCanFlush = true;
#else
constexpr bool kCanFlush = false;
#endif

// Whether every thread of an OpenMP team the size the kernels use flushes denormals, and whether arithmetic on a
// denormal really gives 0 there.
bool every_thread_flushes() {
  int flushing = 0;
  const int n = omp_get_max_threads();
#pragma omp parallel num_threads(n) reduction(+ : flushing)
  {
    volatile float tiny = 1e-39f;  // a denormal; volatile so the product is computed now, under this thread's mode
    const float product = tiny * 1.0f;
    flushing += (keras::detail::denormals_flushed() && product == 0.0f) ? 1 : 0;
  }
  return flushing == n;
}

bool no_thread_flushes() {
  int flushing = 0;
#pragma omp parallel num_threads(omp_get_max_threads()) reduction(+ : flushing)
  flushing += keras::detail::denormals_flushed() ? 1 : 0;
  return flushing == 0;
}

}  // namespace

TEST(FlushDenormals, ScopeCoversEveryThreadAndRestores) {
  if (!kCanFlush) GTEST_SKIP() << "no flush-to-zero control on this architecture; the scope changes nothing";
  ASSERT_TRUE(no_thread_flushes());
  {
    keras::detail::FlushDenormalsScope outer;
    EXPECT_TRUE(every_thread_flushes());
    {
      keras::detail::FlushDenormalsScope nested;  // evaluate inside fit (validation) nests one
      EXPECT_TRUE(every_thread_flushes());
    }
    EXPECT_TRUE(every_thread_flushes()) << "the inner scope must give back the outer one's setting";
  }
  EXPECT_TRUE(no_thread_flushes());
}

TEST(FlushDenormals, FitEvaluateAndTrainOnBatchFlushThenRestore) {
  if (!kCanFlush) GTEST_SKIP() << "no flush-to-zero control on this architecture";
  utils::set_random_seed(0);
  Tensor x = random::normal({64, 4});
  Tensor y = random::normal({64, 1});
  Sequential model({layers::Input(shape = Shape{4}), layers::Dense(3, activation = "relu"), layers::Dense(1)});
  model.compile(optimizer = "adam", loss = "mse");
  int batches = 0, flushed_batches = 0;
  callbacks::LambdaCallback probe(on_train_batch_end = [&](int, Logs) {
    ++batches;
    if (every_thread_flushes()) ++flushed_batches;
  });
  ASSERT_TRUE(no_thread_flushes());
  model.fit(x, y, epochs = 2, batch_size = 16, verbose = 0, validation_split = 0.25,
            callbacks = {probe});
  EXPECT_EQ(batches, 6);
  EXPECT_EQ(flushed_batches, batches);
  EXPECT_TRUE(no_thread_flushes()) << "fit must give back the caller's floating-point settings";
  model.evaluate(x, y, verbose = 0);
  model.train_on_batch(x, y);
  model.predict(x, verbose = 0);
  model.predict_on_batch(x);
  EXPECT_TRUE(no_thread_flushes());
}
