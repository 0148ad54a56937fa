/** A skill's name, as its file in status.dir/skills/ and its config key are written. */
export const skillNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const SKILL_NAME_HINT = 'a skill name is 1-64 characters of a-z 0-9 . _ - starting with a letter or digit';
