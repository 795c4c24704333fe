import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { inFrench, passage } from "../test-utils";
import { Sources } from "./Sources";

describe("Sources", () => {
  it("lists file, place and quoted text, untrusted text as text", async () => {
    const hostile = passage({ text: "<img src=x onerror=alert(1)> and <script>alert(2)</script>" });
    const onOpen = vi.fn();
    const { container } = render(<Sources citations={[{ marker: 1, passage: hostile }]} onOpen={onOpen} />);
    const source = screen.getByTestId("source");
    expect(source.textContent).toContain("comet.md");
    expect(source.textContent).toContain("lines 3-5");
    expect(container.querySelector("img, script")).toBeNull();
    expect(container.querySelector("blockquote")?.textContent).toBe(hostile.text);
    await userEvent.click(screen.getByRole("button", { name: /comet\.md/ }));
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(onOpen).toHaveBeenCalledWith(hostile);
  });

  it("says the place in the window's language", () => {
    render(<Sources citations={[{ marker: 1, passage: passage({ location: { slide: 2 }, place: "slide 2" }) }]} onOpen={() => {}} />, inFrench);
    expect(screen.getByTestId("source").textContent).toContain("comet.md — diapositive 2");
  });
});
