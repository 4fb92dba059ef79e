// tfjs-core on its own, without the @tensorflow/tfjs umbrella (which adds the layers, converter, data
// and WebGL packages, most of the install, none of which bandster uses). The umbrella also registered
// every op's gradient, which training needs: generated/tfjs-gradients.js does that against this same
// tfjs-core (built by scripts/bundle-tfjs-gradients.mjs, which says why). Everything in bandster that
// uses tfjs imports it from here.
import './generated/tfjs-gradients.js';

export * from '@tensorflow/tfjs-core';
