// One file's card: thumbnail or type badge, name, size, progress, status, and the
// actions that make sense for its state. It only renders and reports taps; the
// page decides what a tap does (events carry the card's id).
import type { CardView } from '../../shared/ui/index';
import type { CardLabels } from '../../shared/ui/index';

export type { CardLabels };

export type CardAction = 'cancel' | 'retry' | 'remove' | 'copy' | 'preview';

Component({
  properties: {
    card: { type: Object, value: {} as CardView },
    labels: { type: Object, value: {} as CardLabels },
  },
  methods: {
    emit(action: CardAction) {
      const card = this.data.card as CardView;
      this.triggerEvent(action, { id: card.id, url: card.objectUrl });
    },
    onCancel() {
      this.emit('cancel');
    },
    onRetry() {
      this.emit('retry');
    },
    onRemove() {
      this.emit('remove');
    },
    onCopy() {
      this.emit('copy');
    },
    onPreview() {
      this.emit('preview');
    },
  },
});
