import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mockedApi, stubApi } from "../test-utils";
import { ChatList } from "./ChatList";

vi.mock("../api");

beforeEach(() => {
  vi.resetAllMocks();
  stubApi();
  mockedApi.chats.mockResolvedValue([{ id: 3, title: "Comets", messages: 2, updatedAt: 0 }]);
  mockedApi.renameChat.mockResolvedValue();
  mockedApi.deleteChat.mockResolvedValue();
});

describe("ChatList", () => {
  it("renames a chat with Enter", async () => {
    render(<ChatList selected={null} version={0} onOpen={() => {}} onNew={() => {}} />);
    await userEvent.click(await screen.findByRole("button", { name: "Rename Comets" }));
    const title = screen.getByRole("textbox", { name: "Chat title" });
    await userEvent.clear(title);
    await userEvent.type(title, "Halley{Enter}");
    expect(mockedApi.renameChat).toHaveBeenCalledWith(3, "Halley");
  });

  it("deletes the open chat and starts a new one", async () => {
    const onNew = vi.fn();
    render(<ChatList selected={3} version={0} onOpen={() => {}} onNew={onNew} />);
    await userEvent.click(await screen.findByRole("button", { name: "Delete Comets" }));
    expect(mockedApi.deleteChat).toHaveBeenCalledWith(3);
    await waitFor(() => expect(onNew).toHaveBeenCalled());
    expect(mockedApi.chats).toHaveBeenCalledTimes(2);
  });
});
