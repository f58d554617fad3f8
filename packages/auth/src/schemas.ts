// Browser-safe: only zod. The sign-in form and the route share these.
import { z } from "zod";

export const ZEmail = z.string().trim().toLowerCase().min(1, "enter your email").max(254).pipe(z.email("enter a valid email"));

export const ZSignInInput = z.object({
  email: ZEmail,
  // No length policy here: the policy applies when a password is set, not when one is tried.
  password: z.string().min(1, "enter your password").max(1024),
});
export type TSignInInput = z.infer<typeof ZSignInInput>;

export const ZNewPassword = z.string().min(8, "password must be at least 8 characters").max(128, "password must be at most 128 characters");

export const ZRole = z.enum(["admin", "developer", "dataops", "production", "viewer"]);

export const ZAuthUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZRole,
});
export type TAuthUser = z.infer<typeof ZAuthUser>;
