import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  // Tauri loads the built files from its own protocol; WebKitGTK 2.40+ runs ES2021.
  build: { target: "es2021" },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test-setup.ts"],
  },
});
