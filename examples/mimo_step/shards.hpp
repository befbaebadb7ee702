// examples/mimo_step/shards.hpp: what one rank holds of the model, worked out once for both
// backends of trainer.hpp (host and GPU): its share of each module's parameters with their
// initial values. `Params` is trainer.hpp's param_store: add(n)
// reserves n values, initial(at) is the value at an offset.
#pragma once

#include <hetgrid/grid.hpp>

#include "model.hpp"

namespace mimo_step {

// Encoder: W1e column-parallel (rows split over tp), W2e row-parallel (columns split); the
// batch split over dp.
struct encoder_shard {
  int ef = 0, eb = 0, first_sample = 0;  // inner rows held, samples held, first sample
  int w1 = 0, b1 = 0, w2 = 0, b2 = 0;    // offsets in the parameter buffer
};

template <class Params>
encoder_shard init_encoder_shard(const hetgrid::grid& enc, int rank, Params& params) {
  const hetgrid::rank_coords c = enc.coords(rank);
  encoder_shard s;
  s.ef = encoder_inner / enc.tp;
  s.eb = batch / enc.dp;
  s.first_sample = c.dp * s.eb;
  const int row0 = c.tp * s.ef;
  s.w1 = params.add(s.ef * features);
  s.b1 = params.add(s.ef);
  s.w2 = params.add(hidden * s.ef);
  s.b2 = params.add(hidden);
  for (int j = 0; j < s.ef; ++j) {
    for (int x = 0; x < features; ++x)
      params.initial(s.w1 + j * features + x) = initial_value(enc_w1, (row0 + j) * features + x);
    params.initial(s.b1 + j) = initial_value(enc_b1, row0 + j);
  }
  for (int h = 0; h < hidden; ++h) {
    for (int j = 0; j < s.ef; ++j)
      params.initial(s.w2 + h * s.ef + j) = initial_value(enc_w2, h * encoder_inner + row0 + j);
    params.initial(s.b2 + h) = initial_value(enc_b2, h);
  }
  return s;
}

// Language model: blocks split over pp; W1 column-, W2 row-parallel; E vocab-parallel.
struct language_shard {
  int stage = 0, lf = 0, lv = 0, lb = 0;  // pp stage, inner columns, vocabulary rows, samples
  int first_sample = 0, vocab0 = 0, col0 = 0;
  int first_block = 0, end_block = 0;  // the blocks of this stage: [first_block, end_block)
};

inline language_shard language_shard_of(const hetgrid::grid& lm, int rank) {
  const hetgrid::rank_coords c = lm.coords(rank);
  language_shard s;
  s.stage = c.pp;
  s.lf = inner / lm.tp;
  s.lv = vocab / lm.tp;
  s.lb = batch / lm.dp;
  s.first_sample = c.dp * s.lb;
  s.vocab0 = c.tp * s.lv;
  s.col0 = c.tp * s.lf;
  const int per_stage = blocks / lm.pp;
  s.first_block = s.stage * per_stage;
  s.end_block = s.first_block + per_stage;
  return s;
}

struct block_params {
  int w1 = 0, b1 = 0, w2 = 0, b2 = 0;  // offsets in the parameter buffer
};

// Block l's parameters held by this rank, with their initial values.
template <class Params>
block_params init_block(const language_shard& s, int l, Params& params) {
  block_params p{params.add(s.lf * hidden), params.add(s.lf), params.add(hidden * s.lf),
                 params.add(hidden)};
  for (int j = 0; j < s.lf; ++j) {
    for (int h = 0; h < hidden; ++h)
      params.initial(p.w1 + j * hidden + h) =
          initial_value(block_tensor(l, w1), (s.col0 + j) * hidden + h);
    params.initial(p.b1 + j) = initial_value(block_tensor(l, b1), s.col0 + j);
  }
  for (int h = 0; h < hidden; ++h) {
    for (int j = 0; j < s.lf; ++j)
      params.initial(p.w2 + h * s.lf + j) =
          initial_value(block_tensor(l, w2), h * inner + s.col0 + j);
    params.initial(p.b2 + h) = initial_value(block_tensor(l, b2), h);
  }
  return p;
}

// The tied embedding rows of this tp rank; returns their offset.
template <class Params>
int init_embedding(const language_shard& s, Params& params) {
  const int at = params.add(s.lv * hidden);
  for (int k = 0; k < s.lv * hidden; ++k)
    params.initial(at + k) = initial_value(embedding, s.vocab0 * hidden + k);
  return at;
}

}  // namespace mimo_step
