import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { inFrench, mockedApi, stubApi } from "../test-utils";
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

  it("shows when each chat last changed", async () => {
    const when = new Date(2024, 2, 3, 14, 5);
    mockedApi.chats.mockResolvedValue([{ id: 3, title: "Comets", messages: 2, updatedAt: when.getTime() / 1000 }]);
    render(<ChatList selected={null} version={0} onOpen={() => {}} onNew={() => {}} />, inFrench);
    const time = await screen.findByText("3 mars 2024");
    expect(time.tagName).toBe("TIME");
    expect(time.getAttribute("datetime")).toBe(when.toISOString());
    expect(time.title).toBe("3 mars 2024, 14:05");
  });

  it("renames and deletes in French", async () => {
    render(<ChatList selected={null} version={0} onOpen={() => {}} onNew={() => {}} />, inFrench);
    expect(screen.getByRole("heading", { name: "Conversations" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Nouvelle conversation" })).toBeTruthy();
    await userEvent.click(await screen.findByRole("button", { name: "Renommer «\u00a0Comets\u00a0»" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Titre de la conversation" }), "!");
    await userEvent.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(mockedApi.renameChat).toHaveBeenCalledWith(3, "Comets!");
    await userEvent.click(await screen.findByRole("button", { name: "Supprimer «\u00a0Comets\u00a0»" }));
    expect(mockedApi.deleteChat).toHaveBeenCalledWith(3);
  });

  it("says there are no chats yet, in French", async () => {
    mockedApi.chats.mockResolvedValue([]);
    render(<ChatList selected={null} version={0} onOpen={() => {}} onNew={() => {}} />, inFrench);
    await waitFor(() => expect(mockedApi.chats).toHaveBeenCalled());
    expect(screen.getByText("Aucune conversation pour l’instant.")).toBeTruthy();
  });
});
