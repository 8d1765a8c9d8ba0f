import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server.ts) serves the app; no standalone output needed.
  serverExternalPackages: ["better-sqlite3", "node-llama-cpp", "ws"],
};

export default nextConfig;
