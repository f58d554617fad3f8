import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Galley", template: "%s · Galley" },
  description: "Self-hosted DataOps: Kitchens, pipelines, tests and promotion.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: it depends on the session, and the CSP script nonce
  // (set by proxy.ts) can only be applied to a page rendered for that request.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
