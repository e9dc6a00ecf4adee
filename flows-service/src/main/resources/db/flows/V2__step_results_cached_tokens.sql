-- Model providers (issue 7): cached input tokens as the provider reported them, and the cached-input
-- price the cost was computed with, beside the input/output prices already stored.
ALTER TABLE step_results
    ADD COLUMN cached_prompt_tokens           BIGINT,
    ADD COLUMN cached_input_price_per_million NUMERIC(24, 10);
