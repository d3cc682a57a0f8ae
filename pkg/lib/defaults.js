// The sha256 of the default bundles this package ships (pkg/models/, copied from models/ by
// scripts/build-pkg.sh). The loader pins them: the default model's integrity check is then one
// digest instead of two (a cold-start cost: Chromium hashes on the calling thread, ~45 ms per
// 24 MB pass), and a cached copy of another version is fetched again. models/recipe/run.sh
// rewrites the text model's line when it rebuilds the bundle, models/image/build_bundles.py the image one; tests/node/package.test.mjs fails
// when either is stale.
export const DEFAULT_MODEL_SHA256 = '65335e64af0903b4fb8b7b2536965c95c81a04d286979857a496c8aea59773cd';
export const DEFAULT_IMAGE_MODEL_SHA256 = 'a345e3d908cfe8a52694654080e34fdd9305a5e0234ffc9f454c7b7e769db00a';
