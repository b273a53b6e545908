/**
 * Which chat the /ai-sdk page shows (`chatId`, what `useChat` is keyed by): the one its URL names
 * (`?chat=`), or a new one. A new chat has its id from the moment it opens — the page opened with
 * no chat in its URL, "The same, with the AI SDK's useChat" pressed on a chat, a chat deleted whole
 * (`openNewChat`) — and the page then writes that id into the URL (`showInUrl`), so a reload finds
 * the chat again; the URL getting it changes nothing. Keyed by the URL alone, `useChat` ran under an
 * id of the SDK's own until the URL had the new chat's (the sidebar's link leaves the URL without a
 * chat for a dozen tasks), then started over empty: a message sent meanwhile, and its answer, went
 * into a chat thrown away, on neither the page nor its URL.
 */
import { computed, ref, watch } from 'vue'

export function useAiSdkChatId() {
  const route = useRoute()
  const router = useRouter()
  /** The chat the URL names, or ''. */
  const inUrl = computed(() => (typeof route.query.chat === 'string' ? route.query.chat : ''))
  /** The new chat on the page, until the page leaves it (no messages to read, no answer to resume or wait for), or ''. */
  const openedNew = ref('')
  function newChat(): string {
    openedNew.value = createClientId()
    return openedNew.value
  }
  const chatId = ref(inUrl.value || newChat())
  // The URL naming another chat shows it; the URL losing its chat opens a new one. (The URL taking
  // the new chat's id — written by `showInUrl` — is no change.) A new chat left is new no more: come
  // back to (Back, Forward), it may have messages, read as any chat's.
  watch(inUrl, (now) => {
    if (now && now !== openedNew.value) openedNew.value = ''
    chatId.value = now || newChat()
  })

  return {
    /** The chat on the page. */
    chatId: computed(() => chatId.value),
    openedNew: computed(() => openedNew.value),
    /** Opens a new chat (the one open was deleted): on the page at once, in the URL once `showInUrl` put it there. */
    openNewChat(): void {
      chatId.value = newChat()
    },
    /** Writes the new chat's id into the URL (on the client, once the page is mounted: not in the server's render). */
    showInUrl(): void {
      if (inUrl.value !== chatId.value) void router.replace({ query: { chat: chatId.value } })
    },
  }
}
