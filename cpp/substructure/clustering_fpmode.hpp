// Floating-point mode shared by the clustering kernels. The merging sequence must reproduce
// FastJet's decisions on near-equal distances, so a*b + c must round twice, as in FastJet's
// own build, and never be contracted into one fused multiply-add under -march=native.
#pragma once

#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
