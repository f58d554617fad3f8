-- Merge requests between a child Kitchen and its parent, with reviews, comments and per-Kitchen merge rules.
ALTER TABLE kitchens ADD COLUMN merge_rules jsonb;

CREATE TABLE merge_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number serial NOT NULL UNIQUE,
  source_kitchen_id uuid NOT NULL REFERENCES kitchens(id),
  target_kitchen_id uuid NOT NULL REFERENCES kitchens(id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'closed')),
  head_commit text NOT NULL,
  created_by uuid NOT NULL REFERENCES users(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  merged_by uuid REFERENCES users(id),
  merged_at timestamptz(3),
  merge_commit text,
  closed_at timestamptz(3)
);
-- One open request per pair of Kitchens.
CREATE UNIQUE INDEX merge_requests_one_open ON merge_requests (source_kitchen_id, target_kitchen_id) WHERE status = 'open';
CREATE INDEX merge_requests_target_idx ON merge_requests (target_kitchen_id, status, created_at DESC);
CREATE INDEX merge_requests_source_idx ON merge_requests (source_kitchen_id, status, created_at DESC);

CREATE TABLE merge_request_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES merge_requests(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id),
  verdict text NOT NULL CHECK (verdict IN ('approved', 'changes_requested')),
  "commit" text NOT NULL,
  body text NOT NULL DEFAULT '',
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX merge_request_reviews_request_idx ON merge_request_reviews (request_id, created_at);

CREATE TABLE merge_request_comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES merge_requests(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  path text,
  line integer CHECK (line IS NULL OR line > 0),
  "commit" text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX merge_request_comments_request_idx ON merge_request_comments (request_id, created_at);
