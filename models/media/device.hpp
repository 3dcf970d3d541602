// Device class: the client a participant runs the call on (laptop, desktop, phone), as
// far as CPU goes. Shared by every mode of the group-call model.
//
// `cores` is what the call may use (browser and OS keep the rest); `speed` is one of its
// cores relative to the reference core of the codec cost model (codec_cost.hpp). A
// client needing need reference cores has need / speed cores of work; when that exceeds
// `cores` it falls behind in proportion (libwebrtc's CPU overuse detection lowers the
// encoder's frame rate/resolution; decoding drops frames): its video encodes and the
// videos it renders run at cores * speed / need of their rate, and it does not "fit".
// Defaults (laptop 2 cores, desktop 4, phone 2 at half speed: assumptions) and sources:
// docs/models/media.md, section "Client CPU".
#pragma once

#include <limits>
#include <string>

namespace p2psim::media {

struct DeviceClass {
  std::string name = "unlimited";
  double cores = std::numeric_limits<double>::infinity();  // cores for the call
  double speed = 1.0;                                       // per-core speed / reference core
  // Reference cores this device can supply.
  double capacity() const { return cores * speed; }

  static DeviceClass laptop() { return {"laptop", 2, 1.0}; }
  static DeviceClass desktop() { return {"desktop", 4, 1.0}; }
  static DeviceClass phone() { return {"phone", 2, 0.5}; }
};

}  // namespace p2psim::media
