// The layout of a large network (a generated world of hundreds of hosts) without `position:`
// entries: grouped, so a student sees domains rather than a hairball. Each host hanging off a
// single router (mail.d1.com, ns.d1.com, client1.d1.com off d1.com-net) is drawn beside that
// router: a cluster, which for a generated world is one domain. The routers form a tree from the
// most central one (core, with the root server): it sits in the middle, its children on a ring
// around it (the TLD networks, each with its TLD server and resolver), and their children in
// rows of arcs further out, each within its parent's wedge of the circle (the .com domains
// together, then .org, then .net). A cluster's hosts sit on an arc around its router, facing out.
//
// Deterministic (node order only, no randomness), and no two nodes closer than `spacing`: a
// cluster's hosts are closer to each other than to any other cluster's (the gap between clusters
// is wider than a cluster). Units are world units at zoom 1, about pixels.
#pragma once

#include <vector>

#include "viz/model/geometry.h"
#include "viz/model/topology.h"

namespace maillab::viz {

struct GroupedLayoutOptions {
  double spacing = 40;  // at least this between two hosts of a cluster
  double reach = 40;    // from a router to its hosts, at least
};

// One point per topology node, in node order, centred on (0, 0).
std::vector<Point> grouped_layout(const Topology& topology, const GroupedLayoutOptions& options = {});

}  // namespace maillab::viz
