#pragma once
// Shared implementations of ZeroPadding1D/2D/3D, Cropping1D/2D/3D and UpSampling1D/2D/3D.
#include <memory>
#include <string>

#include "keras/core/kw.hpp"
#include "keras/layers/layer.hpp"

namespace keras::layers::detail {

std::shared_ptr<LayerImpl> make_zero_padding(const std::string& class_name, int spatial_dims, const kw::Kwargs& k);
std::shared_ptr<LayerImpl> make_cropping(const std::string& class_name, int spatial_dims, const kw::Kwargs& k);
std::shared_ptr<LayerImpl> make_up_sampling(const std::string& class_name, int spatial_dims, const kw::Kwargs& k);

}  // namespace keras::layers::detail
