// The web process's copy of the Kitchen directory (@galley/kitchens kitchen-directory.ts): the
// access policy and the Kitchen tree read it instead of querying on every request. It is reloaded
// (one query, single-flight) on the first request after it went stale:
//   - NOTIFY galley_kitchens arrived (any process changed a Kitchen, its staff, an environment,
//     an open merge request or a user's name): within milliseconds of the commit;
//   - this process answered a mutation (lib/route.ts calls kitchenDirectoryChanged), so its own
//     writes are read back at once, notification or not;
//   - while this process does not LISTEN (connection lost: notifications may be lost), a copy is
//     trusted for at most 1 s; while it does, at most 60 s as a backstop.
import { loadKitchenDirectory, type KitchenDirectory } from "@galley/kitchens";
import { config } from "./config";
import { db, logger } from "./deps";
import { KITCHENS_CHANNEL, runHub } from "./run-hub";

const MAX_AGE_LISTENING_MS = 60_000;
const MAX_AGE_NOT_LISTENING_MS = 1_000;

let generation = 0;
let current: { dir: KitchenDirectory; generation: number; at: number } | undefined;
let loading: { promise: Promise<KitchenDirectory>; generation: number } | undefined;
let watching = false;

/** Forget the copy: the next request reloads it. */
export function kitchenDirectoryChanged(): void {
  generation++;
}

function hub() {
  const h = runHub(db(), config().DATABASE_URL, logger());
  if (!watching) {
    watching = true;
    h.onChange(KITCHENS_CHANNEL, kitchenDirectoryChanged);
  }
  return h;
}

/** The directory as of now (see the bounds above). */
export function kitchenDirectory(): Promise<KitchenDirectory> {
  const maxAge = hub().connected ? MAX_AGE_LISTENING_MS : MAX_AGE_NOT_LISTENING_MS;
  if (current && current.generation === generation && performance.now() - current.at < maxAge) return Promise.resolve(current.dir);
  if (loading && loading.generation === generation) return loading.promise;
  const gen = generation;
  const at = performance.now();
  const promise = loadKitchenDirectory({ db: db() }).then(
    (dir) => {
      if (gen === generation) current = { dir, generation: gen, at };
      if (loading?.promise === promise) loading = undefined;
      return dir;
    },
    (e) => {
      if (loading?.promise === promise) loading = undefined;
      throw e;
    },
  );
  loading = { promise, generation: gen };
  return promise;
}
