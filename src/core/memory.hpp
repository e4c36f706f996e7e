#pragma once

namespace cs {

// Hands memory that the allocator holds free back to the operating system. glibc keeps each
// arena's high-water mark: after a computation that briefly needed tens of MB (GET /api/stats
// over many votes) the process would otherwise stay that large. No-op elsewhere.
void returnFreeMemoryToTheSystem();

}  // namespace cs
